namespace SamMpa.Hosting;

/// <summary>
/// Identity and endpoints of a silo (configuration section "Orleans"). The role comes from
/// <c>Orleans:Metadata:role</c>; ports default to Orleans' own. With local storage the silos of one machine find each
/// other through <see cref="PrimarySiloPort"/> (localhost clustering).
/// </summary>
public sealed class ClusterSettings
{
    public const string Section = "Orleans";

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
}
