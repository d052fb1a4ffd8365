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

    /// <summary>
    /// Registers <see cref="SamMpaMetrics"/> and, when <paramref name="prometheusPort"/> is not 0, serves the cluster's and
    /// Orleans' metrics for Prometheus at <c>http://&lt;any address&gt;:port/metrics</c>. Port 0: the instruments exist
    /// (and can be listened to in process) but nothing is exported.
    /// </summary>
    public static IServiceCollection AddSamMpaMetrics(this IServiceCollection services, int prometheusPort)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(prometheusPort);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prometheusPort, 65535);

        services.AddMetrics();
        services.TryAddSingleton<SamMpaMetrics>();

        if (prometheusPort != 0)
        {
            services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter(Constants.MeterName, OrleansMeterName)
                .AddPrometheusHttpListener(listener =>
                {
                    // 1.20.1-beta.1 builds its prefix from Host and Port and rejects the wildcards "+" and "*" as host
                    // names (UriFormatException), so listen on localhost there and swap in the wildcard prefix: every
                    // interface and host name. On Linux the managed HttpListener needs no privileges for that (port > 1023).
                    listener.Host = "localhost";
                    listener.Port = prometheusPort;
                    listener.ConfigureHttpListener = (_, http) =>
                    {
                        http.Prefixes.Clear();
                        http.Prefixes.Add($"http://+:{prometheusPort}/");
                    };
                }));
        }

        return services;
    }
}
