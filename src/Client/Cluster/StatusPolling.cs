using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Cluster;

/// <summary>
/// Waits on a dataset by polling its status, however it is read (its grain, or the HTTP gateway): the embedding
/// progress and the waits of selection fed to the progress display, and a missing silo role said once per message.
/// </summary>
internal sealed class StatusPolling(string dataset, Func<CancellationToken, Task<DatasetStatus>> read, IEvalProgress progress)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>Polls until <paramref name="until"/> holds, handing every status read to <paramref name="onStatus"/>.</summary>
    public async Task<DatasetStatus> WaitAsync(Func<DatasetStatus, bool> until, Action<DatasetStatus>? onStatus, CancellationToken cancellationToken)
    {
        string? lastWaiting = null;
        while (true)
        {
            var status = await read(cancellationToken);
            onStatus?.Invoke(status);
            if (until(status))
            {
                return status;
            }

            if (status.MissingRole is not null && status.Message != lastWaiting)
            {
                progress.Warning(status.Message ?? $"waiting for a silo with role {status.MissingRole}");
                lastWaiting = status.Message;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>Waits for embedding to end (if it runs), one progress item per image embedded or failed.</summary>
    public async Task<DatasetStatus> WaitForEmbeddingsAsync(DatasetStatus status, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (status.Phase != DatasetPhase.Embedding)
        {
            return status;
        }

        progress.StageStarted("embed", status.Images);
        var reported = 0;
        status = await WaitAsync(s => s.Phase != DatasetPhase.Embedding, s =>
        {
            for (; reported < s.Embedded + s.Failures.Count(f => f.Stage == "embed"); reported++)
            {
                progress.ItemCompleted("embed", string.Empty);
            }
        }, cancellationToken);
        progress.StageCompleted("embed");
        return status;
    }

    /// <summary>After a selection was asked for: waits for the embeddings, then the supports; a failed dataset throws with its message.</summary>
    public async Task<DatasetStatus> WaitForSupportsAsync(DatasetStatus status, CancellationToken cancellationToken)
    {
        await WaitForEmbeddingsAsync(status, cancellationToken);
        status = await WaitAsync(s => s.Phase is not (DatasetPhase.Embedding or DatasetPhase.Selecting), null, cancellationToken);
        return status.Phase == DatasetPhase.Failed ? throw new InvalidOperationException($"Dataset '{dataset}': {status.Message}") : status;
    }
}
