using SamMpa.Client.Cluster;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Storage;

namespace SamMpa.Client.Gateway;

/// <summary>
/// The CLI's side of one dataset through the gateway, as <see cref="DatasetSession"/> is through the cluster: every
/// step returns at once on the gateway, and this waits for it by polling the dataset's status, feeding the same
/// progress display.
/// </summary>
internal sealed class GatewaySession(GatewayClient gateway, string dataset, IEvalProgress progress)
{

    /// <summary>How long a cancellation waits for the gateway to confirm the dataset stopped.</summary>
    private static readonly TimeSpan CancelWait = TimeSpan.FromSeconds(60);

    public string Dataset { get; } = ResourceId.Validate(dataset, "dataset");

    private StatusPolling Polling => field ??= new(Dataset, StatusAsync, progress);

    public GatewayClient Gateway => gateway;

    public async Task<DatasetStatus> StatusAsync(CancellationToken cancellationToken) =>
        (await gateway.GetDatasetAsync(Dataset, cancellationToken)).Status;

    /// <summary>Uploads the files as one streamed request that creates the dataset.</summary>
    public async Task<DatasetCreated> UploadAsync(IReadOnlyList<UploadFile> files, int workingSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        progress.StageStarted("upload", files.Count);
        var created = await gateway.UploadAsync(Dataset, workingSize, files, name => progress.ItemCompleted("upload", name), cancellationToken);
        progress.StageCompleted("upload");
        return created;
    }

    public Task<DatasetStatus> WaitForEmbeddingsAsync(DatasetStatus status, CancellationToken cancellationToken) =>
        Polling.WaitForEmbeddingsAsync(status, cancellationToken);

    /// <summary>Selects supports and waits for them.</summary>
    public async Task<DatasetStatus> SelectAsync(SelectionRequest request, CancellationToken cancellationToken)
    {
        return await Polling.WaitForSupportsAsync((await gateway.SelectAsync(Dataset, request, cancellationToken)).Status, cancellationToken);
    }

    /// <summary>Puts the annotation of every support <paramref name="maskFor"/> finds a file for (null: none), each checked by the gateway.</summary>
    public async Task<DatasetStatus> AnnotateAsync(Func<string, string?> maskFor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(maskFor);
        var status = await StatusAsync(cancellationToken);
        var missing = new List<string>();
        foreach (var support in status.Supports)
        {
            if (maskFor(support) is { } path)
            {
                status = (await gateway.PutAnnotationAsync(Dataset, support, path, cancellationToken)).Status;
            }
            else
            {
                missing.Add(support);
            }
        }

        if (missing.Count > 0)
        {
            progress.Warning($"no annotation found for {missing.Count} supports: {string.Join(", ", missing)}");
        }

        return status;
    }

    /// <summary>Starts a run and follows it, by its status, until it ends; returns the final status.</summary>
    public async Task<DatasetStatus> RunAsync(RunRequest request, CancellationToken cancellationToken)
    {
        var status = (await gateway.RunAsync(Dataset, request, cancellationToken)).Status;
        var runId = status.RunId;
        progress.StageStarted("segment", status.Queries);
        var reported = 0;
        status = await Polling.WaitAsync(s => s.RunId != runId || s.Phase != DatasetPhase.Running, s =>
        {
            for (; reported < s.Segmented + s.Failures.Count(f => f.Stage != "embed"); reported++)
            {
                progress.ItemCompleted("segment", string.Empty);
            }
        }, cancellationToken);
        progress.StageCompleted("segment");
        return status;
    }

    /// <summary>
    /// Stops the dataset's current job through the gateway (after the command's own token is cancelled, so on a token of
    /// its own) and says in one line where it stood.
    /// </summary>
    public async Task<string> CancelAsync()
    {
        using var wait = new CancellationTokenSource(CancelWait);
        DatasetStatus before;
        try
        {
            before = await StatusAsync(wait.Token);
        }
        catch (GatewayException e) when (e.Status == System.Net.HttpStatusCode.NotFound)
        {
            return $"dataset {Dataset} was not created yet; nothing was running";
        }
        catch (Exception e) when (e is GatewayException or OperationCanceledException)
        {
            return $"dataset {Dataset} could not be asked to cancel ({e.Message}); its job may still run";
        }

        try
        {
            return DatasetSession.CancelledSummary(Dataset, before, (await gateway.CancelAsync(Dataset, wait.Token)).Status);
        }
        catch (Exception e) when (e is GatewayException or OperationCanceledException)
        {
            return $"dataset {Dataset} asked to cancel at {before.Segmented + before.Failed} of {before.Queries} queries done; "
                + $"the gateway did not confirm ({e.Message}), so some may still run";
        }
    }

    /// <summary>
    /// The last completed run into <paramref name="folder"/>: the gateway's ZIP, kept on disk beside the folder's files
    /// while it arrives, unpacked to masks/ (coarse/ with <paramref name="coarse"/>), seg/ (the SEGs of images read from
    /// DICOM), report.json and results.csv.
    /// </summary>
    public async Task<(DatasetReport.Report Report, int Masks, int Coarse, int Segs)> DownloadAsync(string folder, bool coarse, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var zipPath = Path.Combine(folder, $".{Dataset}.zip.part");
        try
        {
            await using (var zip = new FileStream(zipPath, FileMode.Create, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await gateway.DownloadRunAsync(Dataset, zip, cancellationToken);
            }

            var (masks, coarseMasks, segs) = ResultArchive.Extract(zipPath, folder, coarse, Dataset);
            var reportPath = Path.Combine(folder, ResultArchive.Report);
            var report = File.Exists(reportPath)
                ? DatasetReport.Deserialize(await File.ReadAllBytesAsync(reportPath, cancellationToken))
                : throw new InvalidDataException($"The results of dataset '{Dataset}' from {gateway.BaseAddress} hold no {ResultArchive.Report}.");
            return (report, masks, coarseMasks, segs);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

}
