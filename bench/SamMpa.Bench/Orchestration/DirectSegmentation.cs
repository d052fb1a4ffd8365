using Microsoft.Extensions.Options;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Services;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Bench.Orchestration;

/// <summary>
/// The per-image work of a run without the cluster: what the registration worker does for one query (CoarseMasks:
/// decode, register, fuse, write, score), called on the library in a plain parallel loop over the same kind of blob
/// store. The baseline of the orchestration overhead.
/// </summary>
public sealed class DirectSegmentation(IBlobStore blobs, string dataset, int workingSize, int parallelism)
{
    private readonly CoarseMasks _coarseMasks = new(
        blobs,
        new IdentityMaskPropagator(),
        new RegistrationSlots(new RegistrationOptions { MaxDegreeOfParallelism = parallelism }),
        new QueryLocalisation(blobs, new LocalisationModels(blobs, Options.Create(new ImageOptions()))),
        new FailureRecords(blobs),
        Options.Create(new ImageOptions()));

    /// <summary>Segments every query from its support; throws naming the first query that failed.</summary>
    public async Task RunAsync(IReadOnlyDictionary<string, string> supportOfQuery, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            supportOfQuery,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (item, ct) => await SegmentAsync(item.Key, item.Value, ct));
    }

    private async Task SegmentAsync(string query, string support, CancellationToken cancellationToken)
    {
        var job = new QueryJob
        {
            Dataset = dataset,
            Image = query,
            ImageBlob = DatasetBlobLayout.Image(dataset, query),
            TruthBlob = DatasetBlobLayout.Truth(dataset, query),
            Supports = [new SupportRef(support, DatasetBlobLayout.Image(dataset, support), DatasetBlobLayout.Annotation(dataset, support))],
            WorkingSize = workingSize,
        };
        var result = await _coarseMasks.SegmentAsync(job, cancellationToken);
        if (result.Outcome.Failed)
        {
            throw new InvalidOperationException($"Direct segmentation of '{query}' failed: {result.Outcome.Error}");
        }
    }
}
