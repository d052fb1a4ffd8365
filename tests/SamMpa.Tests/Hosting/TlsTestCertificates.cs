using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SamMpa.Tests.Hosting;

/// <summary>
/// A throw-away PKI in a temporary folder: a self-signed CA and leaf certificates it signs (RSA 2048, serverAuth and
/// clientAuth, SAN localhost), written as the files a cluster is given: a .pfx per leaf and the CA as PEM.
/// </summary>
internal sealed class TlsTestCertificates : IDisposable
{
    private readonly RSA _caKey = RSA.Create(2048);
    private readonly X509Certificate2 _ca;

    public TlsTestCertificates(string folder, string caName)
    {
        Folder = folder;
        var request = new CertificateRequest($"CN={caName}", _caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        _ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
        CaPath = Path.Combine(folder, $"{caName}.crt");
        File.WriteAllText(CaPath, _ca.ExportCertificatePem());
    }

    public string Folder { get; }

    /// <summary>The CA's certificate, PEM.</summary>
    public string CaPath { get; }

    /// <summary>A leaf signed by the CA, written to NAME.pfx (with <paramref name="password"/>); returns the path.</summary>
    public string IssuePfx(string name, string? password = null, bool withPrivateKey = true)
    {
        using var leaf = Issue(name);
        using var publicOnly = X509CertificateLoader.LoadCertificate(leaf.RawData);
        var path = Path.Combine(Folder, $"{name}.pfx");
        File.WriteAllBytes(path, (withPrivateKey ? leaf : publicOnly).Export(X509ContentType.Pkcs12, password));
        return path;
    }

    /// <summary>
    /// A leaf signed by the CA, with its private key: CN=<paramref name="name"/>, DNS names localhost and the name, the
    /// extended key usages <paramref name="usages"/> (serverAuth and clientAuth when none are given).
    /// </summary>
    public X509Certificate2 Issue(string name, params string[] usages)
    {
        var ekus = usages.Length == 0 ? ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"] : usages;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, critical: true));
        var usageOids = new OidCollection();
        foreach (var eku in ekus)
        {
            usageOids.Add(new Oid(eku));
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usageOids, critical: false));
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddDnsName(name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var certificate = request.Create(_ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        // Through PKCS#12, as a silo loads it: the result owns its key, independent of the one disposed here.
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), password: null);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }
}
