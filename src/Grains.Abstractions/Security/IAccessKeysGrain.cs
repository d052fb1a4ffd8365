namespace SamMpa.Grains.Security;

/// <summary>
/// The cluster's access keys (one grain, key <see cref="ClusterKey"/>). Every method needs an admin key.
/// </summary>
[Alias("sammpa.IAccessKeysGrain")]
public interface IAccessKeysGrain : IGrainWithIntegerKey
{
    public const long ClusterKey = 0;

    /// <summary>A new key for <paramref name="principal"/>; the secret is in the answer and nowhere else.</summary>
    [Alias("Create")]
    Task<CreatedAccessKey> CreateAsync(string principal, bool admin);

    [Alias("List")]
    Task<IReadOnlyList<AccessKeyInfo>> ListAsync();

    /// <summary>Revokes the key <paramref name="id"/>; false when there is none.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync(string id);
}
