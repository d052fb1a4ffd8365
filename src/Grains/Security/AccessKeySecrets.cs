using System.Security.Cryptography;
using System.Text;

namespace SamMpa.Grains.Security;

/// <summary>Access key secrets (32 random bytes) and the SHA-256 the cluster keeps of them instead.</summary>
public static class AccessKeySecrets
{
    /// <summary>Marks an entry of Security:AdminKeys as a hash rather than a secret.</summary>
    public const string HashPrefix = "sha256:";

    /// <summary>Principal of the bootstrap admin keys (Security:AdminKeys).</summary>
    public const string BootstrapAdmin = "admin";

    private const string SecretPrefix = "smk_";

    public static string NewSecret() =>
        SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>SHA-256 of the secret's UTF-8 bytes, lower-case hex.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
    }

    /// <summary>
    /// The hashes of the Security:AdminKeys entries (secrets, or <c>sha256:</c> hashes); a malformed hash or an empty
    /// entry is an error naming the entry's position.
    /// </summary>
    public static IReadOnlySet<string> AdminHashes(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var hashes = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in entries)
        {
            var value = entry?.Trim() ?? string.Empty;
            if (value.Length == 0)
            {
                throw new InvalidOperationException($"Security:AdminKeys:{index} is empty: give a key's secret, or {HashPrefix} and its SHA-256 in hex.");
            }

            if (value.StartsWith(HashPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var hex = value[HashPrefix.Length..].ToLowerInvariant();
                if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
                {
                    throw new InvalidOperationException($"Security:AdminKeys:{index} is not a SHA-256: after '{HashPrefix}' give 64 hex digits.");
                }

                hashes.Add(hex);
            }
            else
            {
                hashes.Add(Hash(value));
            }

            index++;
        }

        return hashes;
    }
}
