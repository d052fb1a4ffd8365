using Orleans.Concurrency;

namespace SamMpa.Grains.Security;

/// <summary>
/// The silo's side of <see cref="IAccessKeysGrain"/> (the same grain): maps a key's SHA-256 to its principal. Internal to
/// the cluster: clients are refused it.
/// </summary>
[Alias("sammpa.IAccessKeyResolver")]
public interface IAccessKeyResolver : IGrainWithIntegerKey
{
    /// <summary>The principal of the key whose SHA-256 (lower-case hex) is <paramref name="hash"/>; null when unknown or revoked.</summary>
    [Alias("Resolve")]
    [AlwaysInterleave]
    Task<CallerPrincipal?> ResolveAsync(string hash);
}
