using Orleans.Runtime;
using SamMpa.Storage;

namespace SamMpa.Hosting.Health;

/// <summary>
/// What the readiness endpoint answers: ready or not, the silo's membership status, the storage's state and why not.
/// <paramref name="StorageFailure"/> is what the store threw, for the log only: its text may name accounts and URLs,
/// which an HTTP answer must not.
/// </summary>
public sealed record ReadinessReport(bool Ready, string Silo, string Storage, string? Reason, Exception? StorageFailure = null)
{
    public const string StorageOk = "ok";
    public const string StorageUnreachable = "unreachable";
}

/// <summary>
/// A silo is ready when it is <see cref="SiloStatus.Active"/> in the cluster's membership (it has joined and is not
/// shutting down) and its blob store answers: a cheap existence check of <see cref="ProbeBlobName"/>, bounded by a
/// short timeout so a hung store reads as "not ready" rather than a hung probe.
/// </summary>
public sealed class ReadinessCheck
{
    /// <summary>The blob the storage check asks about; it need not exist, the store only has to answer.</summary>
    public const string ProbeBlobName = "health/ready-probe";

    public static readonly TimeSpan DefaultStorageTimeout = TimeSpan.FromSeconds(2);

    private readonly Func<SiloStatus> _siloStatus;
    private readonly IBlobStore _blobs;
    private readonly TimeSpan _storageTimeout;

    /// <param name="siloStatus">This silo's membership status (<c>ISiloStatusOracle.CurrentStatus</c> in a silo).</param>
    /// <param name="blobs">The silo's blob store.</param>
    /// <param name="storageTimeout">How long the store may take to answer; default <see cref="DefaultStorageTimeout"/>.</param>
    public ReadinessCheck(Func<SiloStatus> siloStatus, IBlobStore blobs, TimeSpan? storageTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(siloStatus);
        ArgumentNullException.ThrowIfNull(blobs);
        var timeout = storageTimeout ?? DefaultStorageTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero, nameof(storageTimeout));
        _siloStatus = siloStatus;
        _blobs = blobs;
        _storageTimeout = timeout;
    }

    public async Task<ReadinessReport> CheckAsync(CancellationToken cancellationToken)
    {
        var status = _siloStatus();
        var (storageProblem, storageFailure) = await StorageProblemAsync(cancellationToken);

        var reasons = new List<string>(2);
        if (status != SiloStatus.Active)
        {
            reasons.Add(MembershipProblem(status));
        }

        if (storageProblem is not null)
        {
            reasons.Add(storageProblem);
        }

        return new ReadinessReport(
            Ready: reasons.Count == 0,
            Silo: status.ToString(),
            Storage: storageProblem is null ? ReadinessReport.StorageOk : ReadinessReport.StorageUnreachable,
            Reason: reasons.Count == 0 ? null : string.Join("; ", reasons),
            StorageFailure: storageFailure);
    }

    /// <summary>Why a silo that is not <see cref="SiloStatus.Active"/> is not ready: still joining, or leaving.</summary>
    private static string MembershipProblem(SiloStatus status) => status is SiloStatus.None or SiloStatus.Created or SiloStatus.Joining
        ? $"not active yet: the silo is {status} in the cluster membership"
        : $"not active: the silo is {status} in the cluster membership";

    /// <summary>
    /// Null when the store answered in time, else a reason fit for the HTTP answer (no exception text: it may name the
    /// account or its URL) and what the store threw, for the log.
    /// </summary>
    private async Task<(string? Problem, Exception? Failure)> StorageProblemAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_storageTimeout);
        try
        {
            // WaitAsync bounds the wait even for a store that ignores its token.
            await _blobs.ExistsAsync(ProbeBlobName, timeout.Token).WaitAsync(timeout.Token);
            return (null, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return ($"storage unreachable: no answer within {_storageTimeout.TotalSeconds:0.###} s", null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return ("storage unreachable", exception);
        }
    }
}
