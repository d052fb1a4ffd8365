using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using SamMpa.Storage;

namespace SamMpa.Hosting.Health;

/// <summary>
/// The silo's health endpoints for Kubernetes probes: <c>GET /health/live</c> answers 200 while the process serves
/// requests (it runs no check); <c>GET /health/ready</c> answers 200 when <see cref="ReadinessCheck"/> passes and 503
/// with the reason when it does not. Bodies are short JSON objects; other methods get 405.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";

    /// <summary>Tag of the checks /health/ready runs.</summary>
    public const string ReadyTag = "ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly string[] ProbeMethods = [HttpMethods.Get, HttpMethods.Head];

    /// <summary>
    /// Registers the readiness check of a silo host (its <see cref="ISiloStatusOracle"/> and <see cref="IBlobStore"/>).
    /// </summary>
    public static IServiceCollection AddSamMpaHealth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        // One instance: it remembers the last answer, to log changes only.
        services.TryAddSingleton(provider => new ReadinessHealthCheck(
            new ReadinessCheck(() => provider.GetRequiredService<ISiloStatusOracle>().CurrentStatus, provider.GetRequiredService<IBlobStore>()),
            provider.GetService<ILogger<ReadinessHealthCheck>>()));
        services.AddHealthChecks().AddCheck<ReadinessHealthCheck>("silo", tags: [ReadyTag]);
        return services;
    }

    /// <summary>Maps /health/live and /health/ready to requests that came in on <paramref name="port"/> only.</summary>
    public static IEndpointRouteBuilder MapSamMpaHealth(this IEndpointRouteBuilder endpoints, int port)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        var host = $"*:{port}";
        endpoints.MapHealthChecks(LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteLiveAsync })
            .RequireHost(host)
            .WithMetadata(new HttpMethodMetadata(ProbeMethods));
        endpoints.MapHealthChecks(ReadyPath, new HealthCheckOptions
            {
                Predicate = registration => registration.Tags.Contains(ReadyTag),
                ResponseWriter = WriteReadyAsync,
                ResultStatusCodes =
                {
                    [HealthStatus.Healthy] = StatusCodes.Status200OK,
                    [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                    [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
                },
            })
            .RequireHost(host)
            .WithMetadata(new HttpMethodMetadata(ProbeMethods));
        return endpoints;
    }

    private static Task WriteLiveAsync(HttpContext context, HealthReport report) => WriteAsync(context, new { status = "live" });

    private static Task WriteReadyAsync(HttpContext context, HealthReport report)
    {
        var ready = report.Status == HealthStatus.Healthy;
        var data = report.Entries.Values.SelectMany(e => e.Data).GroupBy(d => d.Key).ToDictionary(g => g.Key, g => g.First().Value as string);
        // Only what ReadinessHealthCheck put in its data: an exception's own text (a check that threw) may name
        // accounts and URLs, and stays in the log.
        var reason = data.GetValueOrDefault(ReadinessHealthCheck.ReasonKey) ?? (ready ? null : "the readiness check failed");
        return WriteAsync(context, new
        {
            status = ready ? "ready" : "not ready",
            silo = data.GetValueOrDefault(ReadinessHealthCheck.SiloKey),
            storage = data.GetValueOrDefault(ReadinessHealthCheck.StorageKey),
            reason,
        });
    }

    private static Task WriteAsync(HttpContext context, object body)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json), context.RequestAborted);
    }
}
