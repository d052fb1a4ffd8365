using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace SamMpa.Hosting.Health;

/// <summary>
/// <see cref="ReadinessCheck"/> as an ASP.NET Core health check: healthy when ready, unhealthy with the report's
/// reason otherwise. Logs each change of the answer (probes come every few seconds; an unchanged answer is not news),
/// with what the store threw: the details stay in the log, out of the HTTP answer.
/// </summary>
public sealed class ReadinessHealthCheck : IHealthCheck
{
    /// <summary>Keys of <see cref="HealthCheckResult.Data"/>: the silo's membership status, the storage's state, why not ready.</summary>
    public const string SiloKey = "silo";
    public const string StorageKey = "storage";
    public const string ReasonKey = "reason";

    private readonly ReadinessCheck _readiness;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private (bool Ready, string? Reason)? _last;

    public ReadinessHealthCheck(ReadinessCheck readiness, ILogger<ReadinessHealthCheck>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(readiness);
        _readiness = readiness;
        _logger = logger ?? NullLogger<ReadinessHealthCheck>.Instance;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var report = await _readiness.CheckAsync(cancellationToken);
        LogChange(report);
        var data = new Dictionary<string, object>
        {
            [SiloKey] = report.Silo,
            [StorageKey] = report.Storage,
        };
        if (report.Reason is not null)
        {
            data[ReasonKey] = report.Reason;
        }

        return report.Ready ? HealthCheckResult.Healthy(data: data) : HealthCheckResult.Unhealthy(report.Reason, data: data);
    }

    private void LogChange(ReadinessReport report)
    {
        lock (_gate)
        {
            if (_last == (report.Ready, report.Reason))
            {
                return;
            }

            _last = (report.Ready, report.Reason);
        }

        if (report.Ready)
        {
            _logger.LogInformation("Ready: the silo is {Silo} and storage answers", report.Silo);
        }
        else if (report.StorageFailure is { } failure)
        {
            _logger.LogWarning(failure, "Not ready: {Reason} ({Failure})", report.Reason, failure.Message);
        }
        else
        {
            _logger.LogWarning("Not ready: {Reason}", report.Reason);
        }
    }
}
