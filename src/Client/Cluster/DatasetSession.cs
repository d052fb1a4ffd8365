using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Client.Cluster;

/// <summary>
/// The client's side of one dataset: uploads, and the grain calls with their waits. Every long step returns at once
/// on the grain; this waits for it by polling the status (phases) and by the completion stream (per-image progress).
/// </summary>
internal sealed class DatasetSession(ClusterConnection cluster, string dataset, IEvalProgress progress)
{
    private const int ParallelUploads = 8;

    /// <summary>How long a cancellation waits for the dataset to stop its calls in flight.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(30);

    public string Dataset { get; } = ResourceId.Validate(dataset, "dataset");

    private StatusPolling Polling => field ??= new(Dataset, _ => Grain.GetStatusAsync(), progress);

    public IDatasetGrain Grain => cluster.Client.GetGrain<IDatasetGrain>(Dataset);

    /// <summary>
    /// Uploads images (and ground-truth masks, matched by stem) to the dataset's folders. Blobs already there are kept
    /// (write-once), so ingesting again uploads nothing. Every name is checked before anything is written.
    /// </summary>
    /// <param name="dicom">DICOM files of the folder staged as images (among <paramref name="imagePaths"/>): their provenance and instances go too.</param>
    public async Task<(int Uploaded, int Kept)> UploadAsync(
        IReadOnlyList<string> imagePaths, IReadOnlyDictionary<string, string>? truthByImage, CancellationToken cancellationToken, DicomStaging? dicom = null)
    {
        var items = DatasetContent.Items(Dataset, imagePaths, truthByImage)
            .Select(i => (i.Blob, Name: Path.GetFileName(i.Path), Content: (Func<CancellationToken, Task<byte[]>>)(ct => File.ReadAllBytesAsync(i.Path, ct))))
            .Concat((dicom ?? DicomStaging.Empty).ExtraBlobs(Dataset).Select(e => (e.Blob, Name: e.Blob[(e.Blob.LastIndexOf('/') + 1)..], e.Content)))
            .ToArray();
        progress.StageStarted("upload", items.Length);
        var uploaded = 0;
        await Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = ParallelUploads, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            if (await cluster.Blobs.TryCreateAsync(item.Blob, await item.Content(ct), ct))
            {
                Interlocked.Increment(ref uploaded);
            }

            progress.ItemCompleted("upload", item.Name);
        });
        progress.StageCompleted("upload");
        return (uploaded, items.Length - uploaded);
    }

    /// <summary>Creates the dataset over its uploaded images and waits until every image is embedded (or failed).</summary>
    public async Task<DatasetStatus> CreateAsync(CreateDataset request, CancellationToken cancellationToken)
    {
        var status = await Grain.CreateAsync(request);
        return await WaitForEmbeddingsAsync(status, cancellationToken);
    }

    public Task<DatasetStatus> WaitForEmbeddingsAsync(DatasetStatus status, CancellationToken cancellationToken) =>
        Polling.WaitForEmbeddingsAsync(status, cancellationToken);

    /// <summary>Selects supports and waits for them.</summary>
    public async Task<DatasetStatus> SelectAsync(SelectSupports request, CancellationToken cancellationToken)
    {
        return await Polling.WaitForSupportsAsync(await Grain.SelectSupportsAsync(request), cancellationToken);
    }

    /// <summary>Uploads an annotation for every support from <paramref name="annotationFor"/> (null: none for that support), then has the grain check them.</summary>
    public async Task<DatasetStatus> AnnotateAsync(Func<string, CancellationToken, Task<byte[]?>> annotationFor, CancellationToken cancellationToken)
    {
        var status = await Grain.GetStatusAsync();
        var missing = new List<string>();
        foreach (var support in status.Supports)
        {
            var content = await annotationFor(support, cancellationToken);
            if (content is null)
            {
                missing.Add(support);
                continue;
            }

            await cluster.Blobs.WriteAsync(DatasetBlobLayout.Annotation(Dataset, support), content, cancellationToken);
        }

        if (missing.Count > 0)
        {
            progress.Warning($"no annotation found for {missing.Count} supports: {string.Join(", ", missing)}");
        }

        return await Grain.AcceptAnnotationsAsync();
    }

    /// <summary>Starts a run and follows it on the completion stream until it completes; returns the final status.</summary>
    public async Task<DatasetStatus> RunAsync(RunSettings settings, Action<CompletionEvent>? onEvent, CancellationToken cancellationToken)
    {
        await using var watcher = await CompletionWatcher.SubscribeAsync(cluster.Client, Dataset);
        var status = await Grain.RunAsync(settings);
        var runId = status.RunId;
        progress.StageStarted("segment", status.Queries);
        var done = status.Segmented + status.Failures.Count(f => f.Stage != "embed");
        for (var i = 0; i < done; i++)
        {
            progress.ItemCompleted("segment", string.Empty);
        }

        string? waiting = null;
        while (true)
        {
            // Events feed the progress; the status decides the end, so a lost event cannot hang the wait.
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            tick.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                while (await watcher.Events.WaitToReadAsync(tick.Token))
                {
                    while (watcher.Events.TryRead(out var completion))
                    {
                        onEvent?.Invoke(completion);
                        if (completion is ImageSegmented segmented && segmented.RunId == runId)
                        {
                            progress.ItemCompleted("segment", segmented.Outcome.Image);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            status = await Grain.GetStatusAsync();
            if (status.RunId != runId || status.Phase != DatasetPhase.Running)
            {
                break;
            }

            if (status.MissingRole is not null && status.Message != waiting)
            {
                progress.Warning(status.Message ?? $"waiting for a silo with role {status.MissingRole}");
            }

            waiting = status.MissingRole is null ? null : status.Message;
        }

        progress.StageCompleted("segment");
        return status;
    }

    /// <summary>The report of the last completed run.</summary>
    public async Task<DatasetReport.Report> ReadReportAsync(CancellationToken cancellationToken)
    {
        var bytes = await cluster.Blobs.ReadAsync(DatasetBlobLayout.Report(Dataset), cancellationToken)
            ?? throw new InvalidOperationException($"Dataset '{Dataset}' has no report yet: no run has completed.");
        return DatasetReport.Deserialize(bytes);
    }

    /// <summary>Copies blobs to a folder (one file per blob, named by the blob's last segment); returns how many.</summary>
    public async Task<int> DownloadAsync(IEnumerable<string> blobs, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var count = 0;
        await Parallel.ForEachAsync(blobs, new ParallelOptions { MaxDegreeOfParallelism = ParallelUploads, CancellationToken = cancellationToken }, async (blob, ct) =>
        {
            var content = await cluster.Blobs.ReadAsync(blob, ct);
            if (content is not null)
            {
                var target = Path.Combine(folder, blob[(blob.LastIndexOf('/') + 1)..]);
                var temporary = target + ".part";
                await File.WriteAllBytesAsync(temporary, content, ct);
                File.Move(temporary, target, overwrite: true);
                Interlocked.Increment(ref count);
            }
        });
        return count;
    }

    /// <summary>
    /// Stops the dataset's current job (embedding, selecting, a run), waiting for its calls in flight, and says in one
    /// line where it stood: "dataset X cancelled, 12 of 190 queries done".
    /// </summary>
    public async Task<string> CancelAsync()
    {
        DatasetStatus before, after;
        try
        {
            before = await Grain.GetStatusAsync().WaitAsync(CancelWait);
        }
        catch (KeyNotFoundException)
        {
            return $"dataset {Dataset} was not created yet; nothing was running";
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return $"dataset {Dataset} could not be asked to cancel ({e.Message}); its job may still run";
        }

        try
        {
            after = await Grain.CancelAsync().WaitAsync(CancelWait);
        }
        catch (TimeoutException)
        {
            return $"dataset {Dataset} asked to cancel at {before.Segmented + before.Failed} of {before.Queries} queries done; "
                + $"it did not confirm within {CancelWait.TotalSeconds:F0} s (calls in flight), so some may still run";
        }

        return CancelledSummary(Dataset, before, after);
    }

    /// <summary>Where a cancelled dataset stood, in one line, from its status before and after the cancellation.</summary>
    public static string CancelledSummary(string dataset, DatasetStatus before, DatasetStatus after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        return before.Phase switch
        {
            DatasetPhase.Running => $"dataset {dataset} cancelled, {after.Segmented + after.Failed} of {after.Queries} queries done",
            DatasetPhase.Embedding => $"dataset {dataset} cancelled, {after.Embedded} of {after.Images} images embedded",
            DatasetPhase.Selecting => $"dataset {dataset} cancelled while selecting supports",
            _ => $"dataset {dataset} stopped; it is {before.Phase.ToString().ToLowerInvariant()}, nothing was running",
        };
    }

}
