using System.Net;
using Microsoft.Extensions.Configuration;

namespace SamMpa.Hosting;

/// <summary>
/// Identity and endpoints of a silo (configuration section "Orleans"). The role comes from
/// <c>Orleans:Metadata:role</c>; ports default to Orleans' own. With local storage the silos of one machine find each
/// other through <see cref="PrimarySiloPort"/> (localhost clustering).
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

    /// <summary>The "Orleans" section of <paramref name="configuration"/>, defaults where it says nothing.</summary>
    public static ClusterSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Section).Get<ClusterSettings>() ?? new ClusterSettings();
    }

    public string ClusterId { get; set; } = "sammpa";

    public string ServiceId { get; set; } = "sammpa";

    public int SiloPort { get; set; } = 11111;

    public int GatewayPort { get; set; } = 30000;

    /// <summary>Localhost clustering only: the silo port of the first silo, which every other silo joins.</summary>
    public int PrimarySiloPort { get; set; } = 11111;

    /// <summary>Address other silos reach this one at (a pod IP on Kubernetes); null for the machine's own.</summary>
    public string? AdvertisedAddress { get; set; }

    /// <summary>Port of the Prometheus endpoint (/metrics); 0 switches it off.</summary>
    public int MetricsPort { get; set; } = 9464;

    /// <summary>Port of the health endpoints (/health/live, /health/ready); 0 switches them off.</summary>
    public int HealthPort { get; set; } = 8080;

    /// <summary>
    /// Address the health and metrics endpoints listen on ("0.0.0.0" for every interface); null for the default of
    /// <see cref="HttpBindAddressFor"/>.
    /// </summary>
    public string? HttpBindAddress { get; set; }

    /// <summary>
    /// The address the health and metrics endpoints listen on: <see cref="HttpBindAddress"/> when set, else loopback
    /// for a development silo (local storage: nothing outside the machine needs its probes or metrics) and every
    /// interface with Azure storage (a deployed silo: probes and scrapes come from elsewhere).
    /// </summary>
    public IPAddress HttpBindAddressFor(StorageSettings storage)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (string.IsNullOrWhiteSpace(HttpBindAddress))
        {
            return storage.IsAzure ? IPAddress.Any : IPAddress.Loopback;
        }

        return IPAddress.TryParse(HttpBindAddress.Trim(), out var address)
            ? address
            : throw new InvalidOperationException(
                $"{Section}:HttpBindAddress '{HttpBindAddress}' is not an IP address: use one of this machine's addresses, 127.0.0.1 (loopback) or 0.0.0.0 (every interface).");
    }

    /// <summary>Checks the health and metrics ports, so a bad one fails at start naming the setting.</summary>
    public ClusterSettings ValidateHttpPorts()
    {
        foreach (var (name, port) in new[] { (nameof(HealthPort), HealthPort), (nameof(MetricsPort), MetricsPort) })
        {
            if (port is < 0 or > IPEndPoint.MaxPort)
            {
                throw new InvalidOperationException($"{Section}:{name} {port} is not a port: use 1-{IPEndPoint.MaxPort}, or 0 to switch it off.");
            }
        }

        return this;
    }
}
