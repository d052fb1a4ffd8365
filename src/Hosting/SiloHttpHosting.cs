using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SamMpa.Hosting.Health;
using SamMpa.Hosting.Telemetry;

namespace SamMpa.Hosting;

/// <summary>
/// The silo process's HTTP side: Kestrel on <see cref="ClusterSettings.HealthPort"/> (probes) and
/// <see cref="ClusterSettings.MetricsPort"/> (Prometheus) at <see cref="ClusterSettings.HttpBindAddressFor"/>, each
/// endpoint answering on its own port only. A port of 0 switches its endpoints off; both 0, nothing listens.
/// </summary>
public static class SiloHttpHosting
{
    /// <summary>
    /// Kestrel's endpoints, the readiness check and the Prometheus exporter. The host starts its services together, so
    /// the web server answers (/health/live 200, /health/ready 503) while the silo is still joining: one after the
    /// other, the server (registered last by WebApplication) would wait for the silo's whole start.
    /// </summary>
    public static WebApplicationBuilder AddSamMpaHttpEndpoints(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.Configure<HostOptions>(options => options.ServicesStartConcurrently = true);
        // Probes and scrapes come every few seconds: ASP.NET Core's line per request is noise at Information
        // (Logging:LogLevel:Microsoft.AspNetCore.Hosting, more specific, brings it back).
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var cluster = ClusterSettings.From(builder.Configuration).ValidateHttpPorts();
        var address = cluster.HttpBindAddressFor(SiloHosting.StorageOf(builder.Configuration));
        // One listener per distinct port: the same port for both serves both.
        var ports = new[] { cluster.HealthPort, cluster.MetricsPort }.Where(port => port != 0).Distinct().ToArray();
        if (ports.Length == 0)
        {
            builder.Services.AddSingleton<IServer, NoHttpServer>();
        }
        else
        {
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                foreach (var port in ports)
                {
                    Listen(kestrel, address, port);
                }
            });
        }

        if (cluster.HealthPort != 0)
        {
            builder.Services.AddSamMpaHealth();
        }

        builder.Services.AddSamMpaMetrics(cluster.MetricsPort);
        return builder;
    }

    /// <summary>Maps the endpoints <see cref="AddSamMpaHttpEndpoints"/> registered, each to its port.</summary>
    public static WebApplication MapSamMpaHttpEndpoints(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var cluster = ClusterSettings.From(app.Configuration);
        if (cluster.HealthPort != 0)
        {
            app.MapSamMpaHealth(cluster.HealthPort);
        }

        if (cluster.MetricsPort != 0)
        {
            app.MapSamMpaMetrics(cluster.MetricsPort);
        }

        return app;
    }

    private static void Listen(KestrelServerOptions kestrel, IPAddress address, int port)
    {
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            // IPv4 and IPv6 where the machine has both.
            kestrel.ListenAnyIP(port);
        }
        else
        {
            kestrel.Listen(address, port);
        }
    }
}
