using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;

namespace SamMpa.Grains.Security;

/// <summary>
/// Resolves access keys to principals for one silo: the bootstrap admin keys from configuration, else the
/// access-keys grain, remembered for <see cref="SecurityOptions.KeyCacheLifetime"/> (so a revoked key stops working on
/// every silo within that time). Unknown keys are not remembered: a key just created works at once.
/// </summary>
internal sealed class AccessKeyCache(IGrainFactory grains, IOptions<SecurityOptions> options)
{
    private readonly IReadOnlySet<string> _adminHashes = AccessKeySecrets.AdminHashes(options.Value.AdminKeys);
    private readonly TimeSpan _lifetime = options.Value.KeyCacheLifetime;
    private readonly ConcurrentDictionary<string, (CallerPrincipal Principal, long Until)> _resolved = new(StringComparer.Ordinal);

    /// <summary>The principal of <paramref name="secret"/>; null when the key is unknown or revoked.</summary>
    public async Task<CallerPrincipal?> ResolveAsync(string secret)
    {
        var hash = AccessKeySecrets.Hash(secret);
        if (_adminHashes.Contains(hash))
        {
            return new CallerPrincipal(AccessKeySecrets.BootstrapAdmin, Admin: true);
        }

        var now = Environment.TickCount64;
        if (_resolved.TryGetValue(hash, out var known) && known.Until > now)
        {
            return known.Principal;
        }

        var principal = await grains.GetGrain<IAccessKeyResolver>(IAccessKeysGrain.ClusterKey).ResolveAsync(hash);
        if (principal is null)
        {
            _resolved.TryRemove(hash, out _);
        }
        else if (_lifetime > TimeSpan.Zero)
        {
            _resolved[hash] = (principal, now + (long)_lifetime.TotalMilliseconds);
        }

        return principal;
    }
}
