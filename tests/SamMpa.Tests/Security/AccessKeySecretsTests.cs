using SamMpa.Grains.Security;
using SamMpa.Hosting.Security;

namespace SamMpa.Tests.Security;

/// <summary>Key secrets and hashes, the Security:AdminKeys entries, and a development silo's admin key file.</summary>
public sealed class AccessKeySecretsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-keys-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Secrets_are_distinct_and_only_their_sha256_is_compared()
    {
        var (a, b) = (AccessKeySecrets.NewSecret(), AccessKeySecrets.NewSecret());

        Assert.NotEqual(a, b);
        Assert.True(a.Length >= 40, a);
        Assert.Matches("^[0-9a-f]{64}$", AccessKeySecrets.Hash(a));
        Assert.Equal(AccessKeySecrets.Hash(a), AccessKeySecrets.Hash(a));
    }

    [Fact]
    public void Admin_keys_may_be_secrets_or_sha256_hashes_and_a_bad_entry_is_named()
    {
        var secret = AccessKeySecrets.NewSecret();
        var hashed = AccessKeySecrets.NewSecret();

        var hashes = AccessKeySecrets.AdminHashes([secret, AccessKeySecrets.HashPrefix + AccessKeySecrets.Hash(hashed).ToUpperInvariant()]);

        Assert.Equal(new HashSet<string> { AccessKeySecrets.Hash(secret), AccessKeySecrets.Hash(hashed) }, hashes);
        var malformed = Assert.Throws<InvalidOperationException>(() => AccessKeySecrets.AdminHashes([secret, "sha256:abc"]));
        Assert.Contains("Security:AdminKeys:1", malformed.Message, StringComparison.Ordinal);
        var empty = Assert.Throws<InvalidOperationException>(() => AccessKeySecrets.AdminHashes([" "]));
        Assert.Contains("Security:AdminKeys:0 is empty", empty.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_development_silo_keeps_its_admin_key_in_a_file_only_its_user_reads_and_a_client_finds_it()
    {
        Assert.Null(DevelopmentAdminKey.Read(_root));

        var key = DevelopmentAdminKey.Ensure(_root);

        Assert.Equal(key, DevelopmentAdminKey.Ensure(_root));
        Assert.Equal(key, DevelopmentAdminKey.Read(_root));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DevelopmentAdminKey.PathIn(_root)));
        }
    }
}
