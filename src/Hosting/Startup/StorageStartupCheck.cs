using Orleans.Runtime;
using SamMpa.Hosting.Health;
using SamMpa.Storage;

namespace SamMpa.Hosting.Startup;

/// <summary>
/// The first thing a silo does: ask its blob store a cheap question (does the readiness probe's blob exist), bounded by
/// <see cref="StorageSettings.StartupTimeout"/>. A store that is unreachable stops the start with an error naming its
/// endpoint, instead of a silo that hangs in its storage clients' retries or joins a cluster it cannot work for.
/// </summary>
internal sealed class StorageStartupCheck(IBlobStore blobs, StorageSettings settings) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(StorageStartupCheck), ServiceLifecycleStage.First, CheckAsync);

    private async Task CheckAsync(CancellationToken cancellationToken)
    {
        var timeout = settings.StartupTimeout;
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            // WaitAsync bounds the wait even for a client that ignores its token while it retries.
            await blobs.ExistsAsync(ReadinessCheck.ProbeBlobName, bounded.Token).WaitAsync(bounded.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException(
                $"Blob storage at {settings.BlobEndpoint()} is unreachable: no answer within {timeout.TotalSeconds:0.###} s (Storage:StartupTimeout).");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw new InvalidOperationException($"Blob storage at {settings.BlobEndpoint()} is unreachable: {e.Message}", e);
        }
    }
}
