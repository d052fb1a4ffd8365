using System.Security.Cryptography;

namespace SamMpa.Grains.Security;

/// <summary>
/// The cluster's access keys: created, listed and revoked by admins, resolved by the silos' authentication filter.
/// Keeps each key's SHA-256 only; the secret leaves in the answer to <see cref="CreateAsync"/> and nowhere else.
/// </summary>
internal sealed class AccessKeysGrain(
    [PersistentState("access-keys", Constants.StorageProviderName)] IPersistentState<AccessKeysState> state)
    : Grain, IAccessKeysGrain, IAccessKeyResolver
{
    public Task<CreatedAccessKey> CreateAsync(string principal, bool admin) => CreateAsync(principal, admin, isDelegate: false);

    public Task<CreatedAccessKey> CreateDelegateAsync(string principal) => CreateAsync(principal, admin: false, isDelegate: true);

    private async Task<CreatedAccessKey> CreateAsync(string principal, bool admin, bool isDelegate)
    {
        RequireAdmin(isDelegate ? "create delegate keys" : "create access keys");
        PrincipalNames.Require(principal, isDelegate ? "Creating a delegate key" : "Creating an access key");
        var secret = AccessKeySecrets.NewSecret();
        var record = new AccessKeyRecord
        {
            Id = $"key-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}",
            Hash = AccessKeySecrets.Hash(secret),
            Principal = principal,
            Admin = admin,
            Delegate = isDelegate,
            Created = DateTimeOffset.UtcNow,
        };
        state.State.Keys.Add(record);
        await state.WriteStateAsync();
        return new CreatedAccessKey { Key = record.Info(), Secret = secret };
    }

    public Task<IReadOnlyList<AccessKeyInfo>> ListAsync()
    {
        RequireAdmin("list access keys");
        return Task.FromResult<IReadOnlyList<AccessKeyInfo>>(state.State.Keys.Select(k => k.Info()).ToList());
    }

    public async Task<bool> RevokeAsync(string id)
    {
        RequireAdmin("revoke access keys");
        var record = state.State.Keys.FirstOrDefault(k => k.Id == id);
        if (record is null)
        {
            return false;
        }

        if (!record.Revoked)
        {
            record.Revoked = true;
            await state.WriteStateAsync();
        }

        return true;
    }

    public Task<CallerPrincipal?> ResolveAsync(string hash)
    {
        var record = state.State.Keys.FirstOrDefault(k => !k.Revoked && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.ASCII.GetBytes(k.Hash), System.Text.Encoding.ASCII.GetBytes(hash)));
        return Task.FromResult(record is null ? null : new CallerPrincipal(record.Principal, record.Admin) { Delegate = record.Delegate });
    }

    public Task<CallerPrincipal> WhoAmIAsync() =>
        Task.FromResult(CallerContext.Current ?? throw new AccessDeniedException("WhoAmI is for clients: this call carried no principal.", nameof(IAccessKeysGrain)));

    private static void RequireAdmin(string what)
    {
        // No principal: the silo's own call (the filter lets only authenticated client calls in here).
        if (CallerContext.Current is { Admin: false } caller)
        {
            throw new AccessDeniedException($"Principal '{caller.Name}' may not {what}: that needs an admin key.", nameof(IAccessKeysGrain));
        }
    }
}
