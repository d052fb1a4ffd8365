using Orleans.Concurrency;

namespace SamMpa.Grains.Security;

/// <summary>
/// The cluster's access keys (one grain, key <see cref="ClusterKey"/>). Every method but <see cref="WhoAmIAsync"/>
/// needs an admin key.
/// </summary>
[Alias("sammpa.IAccessKeysGrain")]
public interface IAccessKeysGrain : IGrainWithIntegerKey
{
    public const long ClusterKey = 0;

    /// <summary>A new key for <paramref name="principal"/>; the secret is in the answer and nowhere else.</summary>
    [Alias("Create")]
    Task<CreatedAccessKey> CreateAsync(string principal, bool admin);

    /// <summary>
    /// A new delegate key for <paramref name="principal"/> (a front door such as the HTTP gateway): its calls are its
    /// own principal's, or, with a name under <see cref="CallerContext.OnBehalfOf"/>, that principal's, never an admin's.
    /// Never an admin key itself.
    /// </summary>
    [Alias("CreateDelegate")]
    Task<CreatedAccessKey> CreateDelegateAsync(string principal);

    [Alias("List")]
    Task<IReadOnlyList<AccessKeyInfo>> ListAsync();

    /// <summary>Revokes the key <paramref name="id"/>; false when there is none.</summary>
    [Alias("Revoke")]
    Task<bool> RevokeAsync(string id);

    /// <summary>
    /// The principal of the caller's key (any valid key): how a front door that holds a caller's key tells an unknown
    /// or revoked key (the call is refused with <see cref="AccessDeniedException"/>) from a role too low for a dataset.
    /// </summary>
    [Alias("WhoAmI")]
    [AlwaysInterleave]
    Task<CallerPrincipal> WhoAmIAsync();
}
