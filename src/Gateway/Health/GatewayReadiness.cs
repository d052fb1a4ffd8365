using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SamMpa.Hosting.Health;
using SamMpa.Storage;

namespace SamMpa.Gateway.Health;

/// <summary>
/// The gateway's probes, on the silo's paths and the only anonymous endpoints: <c>/health/live</c> 200 while the process
/// serves; <c>/health/ready</c> 200 once the host has started (its cluster client connected) and the blob store answers
/// within <see cref="ReadinessCheck.DefaultStorageTimeout"/>, else 503 with the reason.
/// </summary>
internal static class GatewayReadiness
{
    public static IServiceCollection AddGatewayReadiness(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ReadyCheck>("gateway", tags: [HealthEndpoints.ReadyTag]);
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(HealthEndpoints.LivePath, new HealthCheckOptions
        {
            Predicate = _ => false,
            ResponseWriter = (context, _) => WriteAsync(context, new { status = "live" }),
        }).AllowAnonymous().DisableRateLimiting();
        endpoints.MapHealthChecks(HealthEndpoints.ReadyPath, new HealthCheckOptions
        {
            Predicate = registration => registration.Tags.Contains(HealthEndpoints.ReadyTag),
            ResponseWriter = (context, report) => WriteAsync(context, report.Status == HealthStatus.Healthy
                ? new { status = "ready", reason = (string?)null }
                : new { status = "not ready", reason = report.Entries.Values.Select(e => e.Description).FirstOrDefault(d => d is not null) }),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous().DisableRateLimiting();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), context.RequestAborted);
    }

    private sealed class ReadyCheck(IHostApplicationLifetime lifetime, IBlobStore blobs) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!lifetime.ApplicationStarted.IsCancellationRequested)
            {
                return HealthCheckResult.Unhealthy("starting: the cluster client is not connected yet");
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(ReadinessCheck.DefaultStorageTimeout);
            try
            {
                await blobs.ExistsAsync(ReadinessCheck.ProbeBlobName, timeout.Token).WaitAsync(timeout.Token);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // The store's own text may name accounts and URLs: it stays out of the answer.
                return HealthCheckResult.Unhealthy("storage unreachable");
            }
        }
    }
}
