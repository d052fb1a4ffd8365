using SamMpa.Bench.Orchestration;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Bench.Registration;

/// <summary>
/// Stage MP as the product runs it, admission control included: a dataset of the pairs' images on an in-process silo
/// (role all, elastix, one registration slot per core, Job:CallsPerRegistrationSlot at its default), K = 1, so a run
/// registers the one support onto every query through IDatasetGrain, the image grains and the registration workers.
/// </summary>
internal sealed class ClusterRegistrationRun : IAsyncDisposable
{
    private const string Dataset = "bench-registration";
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(30);

    private readonly TemporaryFolder _root;
    private readonly InProcessSilo _silo;
    private readonly IDatasetGrain _grain;
    private readonly CompletionEvents _events;

    private ClusterRegistrationRun(TemporaryFolder root, InProcessSilo silo, IDatasetGrain grain, CompletionEvents events, int queries)
    {
        _root = root;
        _silo = silo;
        _grain = grain;
        _events = events;
        Queries = queries;
    }

    /// <summary>Registrations per run: every image but the support.</summary>
    public int Queries { get; }

    /// <summary>
    /// Uploads the supports of the pairs (image i + 1 and its mask, already at the working size) as a dataset's images,
    /// embeds them, selects one support and annotates it with its mask; nothing of this is timed.
    /// </summary>
    public static async Task<ClusterRegistrationRun> StartAsync(IReadOnlyList<RegistrationPair> pairs, int workingSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var root = new TemporaryFolder("sammpa-bench-regcluster-");
        InProcessSilo? silo = null;
        try
        {
            var blobs = new LocalFolderBlobStore(root.Path);
            foreach (var pair in pairs)
            {
                await blobs.WriteAsync(DatasetBlobLayout.Image(Dataset, pair.SupportName), MaskFile.EncodeGrayPng(pair.Support), cancellationToken);
                await blobs.WriteAsync(DatasetBlobLayout.Truth(Dataset, pair.SupportName), MaskFile.EncodePng(pair.SupportMask), cancellationToken);
            }

            silo = await InProcessSilo.StartAsync(new Dictionary<string, string?> { ["Storage:LocalRoot"] = root.Path, ["Models:DenseFeatures"] = "false" }, cancellationToken);
            var grain = silo.Client.GetGrain<IDatasetGrain>(Dataset);
            await DatasetPreparation.PrepareAsync(grain, Dataset, workingSize, k: 1, [blobs], Patience, cancellationToken);
            var events = await CompletionEvents.SubscribeAsync(silo.Client, Dataset);
            return new ClusterRegistrationRun(root, silo, grain, events, pairs.Count - 1);
        }
        catch
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }

            root.Dispose();
            throw;
        }
    }

    /// <summary>One run, from RunAsync to its DatasetCompleted event; every query must succeed.</summary>
    public async Task<double> RunAsync(CancellationToken cancellationToken)
    {
        var (wall, _, completed) = await _events.RunAsync(_grain, Patience, cancellationToken);
        if (completed.Failed > 0 || completed.Segmented != Queries)
        {
            throw new InvalidOperationException($"The cluster run segmented {completed.Segmented} of {Queries} queries ({completed.Failed} failed).");
        }

        return wall;
    }

    public async ValueTask DisposeAsync()
    {
        await _silo.DisposeAsync();
        _root.Dispose();
    }
}
