using System.Diagnostics;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;

namespace SamMpa.Bench.Orchestration;

/// <summary>
/// What a dataset goes through before a measured run, outside its timing: created and embedded, K supports selected,
/// annotated from their ground truth and the annotations accepted.
/// </summary>
internal static class DatasetPreparation
{
    /// <summary>
    /// Prepares <paramref name="dataset"/> for a run; each support's annotation (its ground truth, read from the first
    /// store) is written to every store in <paramref name="stores"/>. Returns the seconds creating and embedding took.
    /// </summary>
    public static async Task<double> PrepareAsync(
        IDatasetGrain grain, string dataset, int workingSize, int k, IBlobStore[] stores, TimeSpan patience, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        await grain.CreateAsync(new CreateDataset { TruthPrefix = DatasetBlobLayout.TruthPrefix(dataset), WorkingSize = workingSize });
        var status = await DatasetWaits.WaitAsync(grain, patience, s => s.Phase is DatasetPhase.Embedded or DatasetPhase.Failed, cancellationToken);
        DatasetWaits.Require(status, DatasetPhase.Embedded, "embedding");
        var embedSeconds = clock.Elapsed.TotalSeconds;

        await grain.SelectSupportsAsync(new SelectSupports { K = k });
        status = await DatasetWaits.WaitAsync(grain, patience, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed, cancellationToken);
        DatasetWaits.Require(status, DatasetPhase.AwaitingAnnotations, "support selection");
        foreach (var support in status.Supports)
        {
            var truthBlob = DatasetBlobLayout.Truth(dataset, support);
            var truth = await stores[0].ReadAsync(truthBlob, cancellationToken)
                ?? throw new InvalidOperationException($"{truthBlob}: no such blob, so support '{support}' cannot be annotated from it.");
            foreach (var store in stores)
            {
                await store.WriteAsync(DatasetBlobLayout.Annotation(dataset, support), truth, cancellationToken);
            }
        }

        DatasetWaits.Require(await grain.AcceptAnnotationsAsync(), DatasetPhase.Annotated, "annotation");
        return embedSeconds;
    }
}
