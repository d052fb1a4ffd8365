using Microsoft.Extensions.Configuration;

namespace SamMpa.Hosting.Security;

/// <summary>
/// Mutual TLS between silos and from clients to gateways (configuration section <c>Orleans:Tls</c>; environment
/// variables <c>Orleans__Tls__Enabled</c>, <c>Orleans__Tls__CertificatePath</c>, ...). Off by default: a development
/// silo on localhost needs no certificate. With it on, every silo-to-silo and client-to-gateway connection is TLS 1.2
/// or 1.3, both ends present a certificate, and each end checks the other's.
/// </summary>
public sealed class TlsSettings
{
    public const string Section = "Orleans:Tls";

    /// <summary>Switches TLS on. Off by default.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// A PKCS#12 (.pfx) file holding this process's certificate and its private key, e.g. mounted from a Kubernetes
    /// Secret at /etc/sammpa/tls/tls.pfx. A silo's certificate needs the serverAuth and clientAuth extended key usages
    /// (it accepts connections and opens them); a client's needs clientAuth.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx file's password, if it has one (from a secret environment variable, not a file in the image).</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// A PEM (or DER) file with the certificate of the CA that signed the cluster's certificates. When given, the other
    /// end's certificate must chain to it and to nothing else. When not, the machine's trust store decides (a private CA
    /// is then refused, unless it is installed there).
    /// </summary>
    public string? TrustedCaPath { get; set; }

    /// <summary>
    /// Optional: names the other end's certificate must carry (its subject common name, its full subject, or one of its
    /// DNS subject alternative names), one of them at least. Empty: any certificate the CA signed is accepted.
    /// </summary>
    public IList<string> AllowedNames { get; set; } = [];

    /// <summary>The <c>Orleans:Tls</c> section of <paramref name="configuration"/>; disabled when it is absent.</summary>
    public static TlsSettings From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Section).Get<TlsSettings>() ?? new TlsSettings();
    }
}
