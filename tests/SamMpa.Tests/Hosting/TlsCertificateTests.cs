using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using SamMpa.Hosting.Security;

namespace SamMpa.Tests.Hosting;

/// <summary>
/// The checks behind mutual TLS, without a cluster: which peer certificates are accepted, and how a bad certificate
/// file is reported.
/// </summary>
public sealed class TlsCertificateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sammpa-tls-unit-").FullName;
    private readonly TlsTestCertificates _cluster;
    private readonly TlsTestCertificates _stranger;
    private readonly X509Certificate2Collection _authorities;

    public TlsCertificateTests()
    {
        _cluster = new TlsTestCertificates(_folder, "sammpa-test-ca");
        _stranger = new TlsTestCertificates(_folder, "other-ca");
        _authorities = TlsExtensions.LoadTrustedCas(_cluster.CaPath);
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _stranger.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void A_certificate_of_the_trusted_CA_is_accepted_whatever_the_platform_thought_of_it()
    {
        using var silo = _cluster.Issue("sammpa-silo");

        // The platform's own chain (the machine's trust store) does not know the private CA: that verdict is replaced.
        Assert.True(TlsExtensions.IsTrustedPeer(silo, null, SslPolicyErrors.RemoteCertificateChainErrors, _authorities, [], TlsExtensions.ClientAuthOid));
    }

    [Fact]
    public void A_certificate_of_another_CA_is_refused()
    {
        using var stranger = _stranger.Issue("sammpa-silo");

        Assert.False(TlsExtensions.IsTrustedPeer(stranger, null, SslPolicyErrors.None, _authorities, [], TlsExtensions.ClientAuthOid));
    }

    [Fact]
    public void Without_a_CA_of_its_own_the_platform_decides_but_not_on_the_host_name()
    {
        using var silo = _cluster.Issue("sammpa-silo");

        Assert.False(TlsExtensions.IsTrustedPeer(silo, null, SslPolicyErrors.RemoteCertificateChainErrors, null, [], TlsExtensions.ClientAuthOid));
        Assert.True(TlsExtensions.IsTrustedPeer(silo, null, SslPolicyErrors.RemoteCertificateNameMismatch, null, [], TlsExtensions.ClientAuthOid));
        Assert.False(TlsExtensions.IsTrustedPeer(silo, null, SslPolicyErrors.RemoteCertificateNotAvailable, _authorities, [], TlsExtensions.ClientAuthOid));
    }

    [Theory]
    [InlineData("sammpa-silo", true)] // the common name (and a DNS name)
    [InlineData("SAMMPA-SILO", true)]
    [InlineData("localhost", true)] // a DNS subject alternative name
    [InlineData("CN=sammpa-silo", true)] // the whole subject
    [InlineData("sammpa-client", false)]
    [InlineData("sammpa", false)]
    public void Allowed_names_are_matched_against_the_subject_and_the_DNS_names(string allowed, bool accepted)
    {
        using var silo = _cluster.Issue("sammpa-silo");

        Assert.Equal(accepted, TlsExtensions.IsTrustedPeer(silo, null, SslPolicyErrors.None, _authorities, [allowed, "unrelated"], TlsExtensions.ClientAuthOid));
    }

    [Theory]
    [InlineData(TlsExtensions.ClientAuthOid, true)]
    [InlineData(TlsExtensions.ServerAuthOid, false)]
    public void A_peer_certificate_is_accepted_only_for_the_extended_key_usage_it_carries(string required, bool accepted)
    {
        using var clientOnly = _cluster.Issue("sammpa-client", TlsExtensions.ClientAuthOid);

        Assert.Equal(accepted, TlsExtensions.IsTrustedPeer(clientOnly, null, SslPolicyErrors.None, _authorities, [], required));
    }

    [Fact]
    public void A_server_only_certificate_cannot_act_as_a_client_of_a_silo()
    {
        using var serverOnly = _cluster.Issue("web-server", TlsExtensions.ServerAuthOid);
        using var silo = _cluster.Issue("sammpa-silo");

        Assert.False(TlsExtensions.IsTrustedPeer(serverOnly, null, SslPolicyErrors.None, _authorities, [], TlsExtensions.ClientAuthOid));
        Assert.True(TlsExtensions.IsTrustedPeer(silo, null, SslPolicyErrors.None, _authorities, [], TlsExtensions.ClientAuthOid));
        Assert.True(TlsExtensions.IsTrustedPeer(silo, null, SslPolicyErrors.None, _authorities, [], TlsExtensions.ServerAuthOid));
    }

    [Fact]
    public void A_silo_with_tls_on_but_neither_a_CA_nor_allowed_names_refuses_to_start_naming_both_settings()
    {
        var failure = Assert.Throws<InvalidOperationException>(() =>
            TlsExtensions.RequireTrustAnchor(new TlsSettings { Enabled = true, CertificatePath = "tls.pfx", AllowedNames = [" "] }));
        Assert.Contains("Orleans:Tls:TrustedCaPath", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Orleans:Tls:AllowedNames", failure.Message, StringComparison.Ordinal);

        TlsExtensions.RequireTrustAnchor(new TlsSettings { Enabled = true, TrustedCaPath = _cluster.CaPath });
        TlsExtensions.RequireTrustAnchor(new TlsSettings { Enabled = true, AllowedNames = ["sammpa-silo"] });
    }

    [Fact]
    public void A_pfx_with_a_password_loads_with_it_and_names_the_file_without_it()
    {
        var path = _cluster.IssuePfx("sammpa-silo", password: "secret");
        using var loaded = TlsExtensions.LoadCertificate(new TlsSettings { Enabled = true, CertificatePath = path, CertificatePassword = "secret" });
        Assert.True(loaded.HasPrivateKey);

        var failure = Assert.Throws<InvalidOperationException>(() =>
            TlsExtensions.LoadCertificate(new TlsSettings { Enabled = true, CertificatePath = path, CertificatePassword = "wrong" }));
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains("CertificatePassword", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pfx_without_the_private_key_is_refused_naming_the_file()
    {
        var path = _cluster.IssuePfx("sammpa-silo", withPrivateKey: false);

        var failure = Assert.Throws<InvalidOperationException>(() =>
            TlsExtensions.LoadCertificate(new TlsSettings { Enabled = true, CertificatePath = path }));
        Assert.Contains(path, failure.Message, StringComparison.Ordinal);
        Assert.Contains("private key", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_CA_file_is_named()
    {
        var missing = Path.Combine(_folder, "absent-ca.crt");

        var failure = Assert.Throws<InvalidOperationException>(() => TlsExtensions.LoadTrustedCas(missing));
        Assert.Contains(missing, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_are_off_by_default_and_bind_from_the_Orleans_Tls_section()
    {
        Assert.False(TlsSettings.From(new ConfigurationBuilder().Build()).Enabled);

        var settings = TlsSettings.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Tls:Enabled"] = "true",
            ["Orleans:Tls:CertificatePath"] = "/etc/sammpa/tls/tls.pfx",
            ["Orleans:Tls:CertificatePassword"] = "p",
            ["Orleans:Tls:TrustedCaPath"] = "/etc/sammpa/tls/ca.crt",
            ["Orleans:Tls:AllowedNames:0"] = "sammpa-silo",
            ["Orleans:Tls:AllowedNames:1"] = "sammpa-client",
        }).Build());

        Assert.True(settings.Enabled);
        Assert.Equal("/etc/sammpa/tls/tls.pfx", settings.CertificatePath);
        Assert.Equal("p", settings.CertificatePassword);
        Assert.Equal("/etc/sammpa/tls/ca.crt", settings.TrustedCaPath);
        Assert.Equal(new[] { "sammpa-silo", "sammpa-client" }, settings.AllowedNames);
    }
}
