namespace SamMpa.Grains.Options;

/// <summary>The trust boundary's settings (configuration section "Security").</summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>
    /// The bootstrap admin keys: each entry a key's secret, or <c>sha256:</c> and the secret's SHA-256 in hex (so the
    /// secret itself need not be in the silo's configuration). Callers with one are the principal "admin".
    /// </summary>
    public IList<string> AdminKeys { get; } = [];

    /// <summary>
    /// How long a silo remembers a resolved access key: a revoked key still works on a silo that resolved it within
    /// this time. Zero resolves every client call.
    /// </summary>
    public TimeSpan KeyCacheLifetime { get; set; } = TimeSpan.FromSeconds(30);
}
