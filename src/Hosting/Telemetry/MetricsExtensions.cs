using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;
using SamMpa.Grains;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Hosting.Telemetry;

public static class MetricsExtensions
{
    /// <summary>Meter of Orleans' own instruments (messaging, activations, placement).</summary>
    public const string OrleansMeterName = "Microsoft.Orleans";

    /// <summary>Path of the Prometheus endpoint.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>
    /// Registers <see cref="SamMpaMetrics"/> and, when <paramref name="prometheusPort"/> is not 0, the Prometheus exporter
    /// of the cluster's and Orleans' meters, which <see cref="MapSamMpaMetrics"/> serves on a web host. Port 0: the
    /// instruments exist (and can be listened to in process) but nothing is exported; any host, no web server needed.
    /// </summary>
    public static IServiceCollection AddSamMpaMetrics(this IServiceCollection services, int prometheusPort)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfNegative(prometheusPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prometheusPort, 65535);

        services.AddMetrics();
        services.TryAddSingleton<SamMpaMetrics>();

        if (prometheusPort != 0)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(Constants.MeterName, OrleansMeterName, Local.LocalFolderGrainStorage.MeterName)
                .AddPrometheusExporter());
        }

        return services;
    }

    /// <summary>Serves the exporter of <see cref="AddSamMpaMetrics"/> at <c>GET /metrics</c> to requests that came in on <paramref name="port"/> only.</summary>
    public static IEndpointRouteBuilder MapSamMpaMetrics(this IEndpointRouteBuilder endpoints, int port)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(port);
        endpoints.MapPrometheusScrapingEndpoint(MetricsPath).RequireHost($"*:{port}");
        return endpoints;
    }
}
