namespace SamMpa.Hosting;

/// <summary>
/// Retries a client's first connection to the cluster for a while (a silo may still be starting), then gives up, so a
/// command against a cluster that is not there ends with an error instead of waiting forever.
/// </summary>
public sealed class BoundedConnectionRetry(TimeSpan patience) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan Pause = TimeSpan.FromSeconds(1);
    private DateTimeOffset? _firstFailure;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        _firstFailure ??= DateTimeOffset.UtcNow;
        if (DateTimeOffset.UtcNow - _firstFailure > patience)
        {
            return false;
        }

        await Task.Delay(Pause, cancellationToken);
        return true;
    }
}
