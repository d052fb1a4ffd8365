using System.Formats.Asn1;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Orleans.Connections.Security;

namespace SamMpa.Hosting.Security;

/// <summary>
/// Mutual TLS on the silo-to-silo and client-to-gateway connections, from <see cref="TlsSettings"/>. Medical images
/// and masks cross these connections (grain calls carry image bytes and masks), so a deployed cluster runs with TLS on.
/// </summary>
public static class TlsExtensions
{
    internal const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    internal const string ClientAuthOid = "1.3.6.1.5.5.7.3.2";
    private const string SubjectAltNameOid = "2.5.29.17";

    /// <summary>
    /// TLS on every connection of the silo: inbound from silos and clients (a certificate is required and checked) and
    /// outbound to silos (this silo's certificate is presented, the other's checked). Does nothing when disabled.
    /// </summary>
    public static ISiloBuilder UseSamMpaTls(this ISiloBuilder silo, TlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return silo;
        }

        // A silo accepts connections and opens them: its certificate serves both ways.
        var certificate = LoadCertificate(settings, ServerAuthOid, ClientAuthOid);
        RequireTrustAnchor(settings);
        // Every legitimate peer of a silo (a client, or a silo: serverAuth and clientAuth) carries clientAuth; one
        // validator serves inbound and outbound connections, so clientAuth is what it can ask of all of them.
        var peers = PeerValidator(settings, ClientAuthOid);
        return silo.UseTls(certificate, options => Configure(options, peers));
    }

    /// <summary>
    /// TLS on the client's connections to gateways: the client presents its certificate and checks the gateway's. Does
    /// nothing when disabled.
    /// </summary>
    public static IClientBuilder UseSamMpaTls(this IClientBuilder client, TlsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        if (!settings.Enabled)
        {
            return client;
        }

        var certificate = LoadCertificate(settings, ClientAuthOid);
        // A client only ever connects to gateways: the other end is a server.
        var peers = PeerValidator(settings, ServerAuthOid);
        return client.UseTls(certificate, options => Configure(options, peers));
    }

    private static void Configure(TlsOptions options, RemoteCertificateValidator peers)
    {
        // Mutual: the accepting end refuses a connection that presents no certificate, and the connecting end always
        // presents its own (ClientCertificateMode) and refuses a server without one.
        options.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
        options.ClientCertificateMode = RemoteCertificateMode.RequireCertificate;
        // No revocation check: the cluster's CA is private, and its certificates name no CRL distribution point or OCSP
        // responder. An online check would fail every handshake (or, in a pod without egress, stall it until the
        // handshake timeout). A compromised certificate is dealt with by rotating the CA and the Secret instead.
        options.CheckCertificateRevocation = false;
        // With a validation callback set, Orleans leaves every decision to it, the platform's policy errors included.
        options.RemoteCertificateValidation = peers;
    }

    /// <summary>
    /// Refuses a silo whose TLS would accept any certificate that chains to the machine's trust store (a public CA's,
    /// anyone's): it needs its own CA, allowed names, or both.
    /// </summary>
    internal static void RequireTrustAnchor(TlsSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.TrustedCaPath) && !AllowedNamesOf(settings).Any())
        {
            throw new InvalidOperationException(
                "Orleans:Tls:Enabled is true but neither Orleans:Tls:TrustedCaPath nor Orleans:Tls:AllowedNames is set: any certificate a public CA signed would be accepted. "
                + "Give the cluster CA's PEM file (TrustedCaPath), the names peers' certificates must carry (AllowedNames), or both.");
        }
    }

    private static IEnumerable<string> AllowedNamesOf(TlsSettings settings) =>
        settings.AllowedNames.Where(n => !string.IsNullOrWhiteSpace(n)).Select(n => n.Trim());

    private static RemoteCertificateValidator PeerValidator(TlsSettings settings, string requiredUsage)
    {
        var authorities = string.IsNullOrWhiteSpace(settings.TrustedCaPath) ? null : LoadTrustedCas(settings.TrustedCaPath);
        var names = AllowedNamesOf(settings).ToArray();
        return (certificate, chain, errors) => IsTrustedPeer(certificate, chain, errors, authorities, names, requiredUsage);
    }

    /// <summary>
    /// Whether the other end's certificate is accepted: it chains to one of <paramref name="authorities"/> (or, without
    /// any, to the machine's trust store), is within its validity period, may be used for
    /// <paramref name="requiredUsage"/> (an extended key usage OID), and carries one of <paramref name="allowedNames"/>
    /// when there are any.
    /// </summary>
    internal static bool IsTrustedPeer(
        X509Certificate2 certificate, X509Chain? platformChain, SslPolicyErrors errors,
        X509Certificate2Collection? authorities, IReadOnlyCollection<string> allowedNames, string requiredUsage)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) || !AllowsUsage(certificate, requiredUsage))
        {
            return false;
        }

        // The host name is not checked: silos reach each other and clients reach gateways by IP address (pod addresses
        // on Kubernetes), which the cluster's certificates do not name. Trust comes from the CA; identity from the names.
        var chained = authorities is null
            ? (errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) == SslPolicyErrors.None
            : ChainsTo(certificate, platformChain, authorities);
        return chained && CarriesAllowedName(certificate, allowedNames);
    }

    /// <summary>
    /// Builds the chain anew with <paramref name="authorities"/> as the only roots: the machine's trust store plays no
    /// part, so a certificate from a public CA, or from another cluster's CA, is refused.
    /// </summary>
    private static bool ChainsTo(X509Certificate2 certificate, X509Chain? platformChain, X509Certificate2Collection authorities)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        // Revocation off for the reason given in Configure: a private CA publishes no revocation lists.
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationFlags = X509VerificationFlags.NoFlag;
        if (platformChain is not null)
        {
            // Intermediates the other end sent: candidates for the path only, never trusted by themselves.
            foreach (var element in platformChain.ChainElements.Skip(1))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    private static bool CarriesAllowedName(X509Certificate2 certificate, IReadOnlyCollection<string> allowedNames)
    {
        if (allowedNames.Count == 0)
        {
            return true;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            certificate.Subject,
            certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false),
        };
        foreach (var extension in certificate.Extensions)
        {
            if (extension.Oid?.Value == SubjectAltNameOid)
            {
                try
                {
                    names.UnionWith(new X509SubjectAlternativeNameExtension(extension.RawData, extension.Critical).EnumerateDnsNames());
                }
                catch (Exception e) when (e is CryptographicException or AsnContentException)
                {
                    return false;
                }
            }
        }

        return allowedNames.Any(names.Contains);
    }

    /// <summary>This process's certificate with its private key, checked for the key usages its connections need.</summary>
    internal static X509Certificate2 LoadCertificate(TlsSettings settings, params string[] requiredUsages)
    {
        if (string.IsNullOrWhiteSpace(settings.CertificatePath))
        {
            throw new InvalidOperationException(
                "Orleans:Tls:Enabled is true but Orleans:Tls:CertificatePath is not set: give the PKCS#12 (.pfx) file with this process's certificate and its private key.");
        }

        var path = Path.GetFullPath(settings.CertificatePath);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"Orleans:Tls:CertificatePath '{path}' does not exist: TLS is on and needs this process's certificate (a PKCS#12 .pfx file with its private key).");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, settings.CertificatePassword);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Orleans:Tls:CertificatePath '{path}' cannot be read as a PKCS#12 (.pfx) file (is Orleans:Tls:CertificatePassword right?): {e.Message}", e);
        }

        try
        {
            if (!certificate.HasPrivateKey)
            {
                throw new InvalidOperationException(
                    $"Orleans:Tls:CertificatePath '{path}' holds a certificate without its private key ({certificate.Subject}): export it with the key (openssl pkcs12 -export -inkey KEY -in CERT).");
            }

            if (certificate.NotAfter.ToUniversalTime() < DateTime.UtcNow)
            {
                throw new InvalidOperationException(
                    $"Orleans:Tls:CertificatePath '{path}' holds a certificate that expired on {certificate.NotAfter.ToUniversalTime():u} ({certificate.Subject}).");
            }

            foreach (var usage in requiredUsages)
            {
                if (!AllowsUsage(certificate, usage))
                {
                    var name = usage == ServerAuthOid ? "serverAuth" : "clientAuth";
                    throw new InvalidOperationException(
                        $"Orleans:Tls:CertificatePath '{path}' holds a certificate ({certificate.Subject}) without the {name} extended key usage, which its connections need.");
                }
            }

            return certificate;
        }
        catch
        {
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether <paramref name="certificate"/> may be used for <paramref name="usage"/> (an extended key usage OID): no
    /// extended key usage extension at all means any usage (RFC 5280); with one, it must list the usage.
    /// </summary>
    internal static bool AllowsUsage(X509Certificate2 certificate, string usage)
    {
        var usages = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().ToArray();
        return usages.Length == 0 || usages.Any(u => u.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == usage));
    }

    /// <summary>The CA certificates of <paramref name="file"/>: PEM (one or several) or a single DER certificate.</summary>
    internal static X509Certificate2Collection LoadTrustedCas(string file)
    {
        var path = Path.GetFullPath(file);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Orleans:Tls:TrustedCaPath '{path}' does not exist: give the PEM file of the CA that signed the cluster's certificates.");
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(path);
            if (authorities.Count == 0)
            {
                authorities.Add(X509CertificateLoader.LoadCertificateFromFile(path));
            }
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Orleans:Tls:TrustedCaPath '{path}' cannot be read as a PEM or DER certificate: {e.Message}", e);
        }

        return authorities;
    }
}
