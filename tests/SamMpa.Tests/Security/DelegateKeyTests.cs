using Orleans.Runtime;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Security;

/// <summary>
/// Delegate keys (a front door's, e.g. the HTTP gateway's for its bearer-token callers): with an on-behalf-of name a
/// call enters as that principal, never as an admin; without one it is the key's own principal; any other key with an
/// on-behalf-of name is refused.
/// </summary>
public sealed class DelegateKeyTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-delegate-").FullName;
    private SecuredSilo _silo = null!;
    private IClusterClient _client = null!;

    public async Task InitializeAsync()
    {
        _silo = await SecuredSilo.StartAsync(_root);
        _client = await _silo.BareClientAsync();
    }

    public async Task DisposeAsync()
    {
        await _silo.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task A_key_that_is_no_delegate_is_refused_with_an_on_behalf_of_name()
    {
        var plain = await SecuredSilo.KeyForAsync(_client, "plain-pete");
        var keys = _client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey);

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(plain, "oidc:alice", () => keys.WhoAmIAsync()));
        Assert.Contains("'plain-pete'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("no delegate key", refused.Message, StringComparison.Ordinal);

        // The bootstrap admin key is no delegate either: an admin cannot be made to act as someone else by accident.
        await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(TestAccessKeys.Admin, "oidc:alice", () => keys.WhoAmIAsync()));
        Assert.Equal(new CallerPrincipal("plain-pete", Admin: false), await SecuredSilo.AsAsync(plain, () => keys.WhoAmIAsync()));
    }

    [Fact]
    public async Task A_delegate_key_acts_as_alice_who_owns_what_she_creates_and_bob_is_refused_until_granted()
    {
        var gateway = await DelegateKeyAsync("gateway");
        var keys = _client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey);
        Assert.Equal(new CallerPrincipal("oidc:alice", Admin: false), await OnBehalfOfAsync(gateway, "oidc:alice", () => keys.WhoAmIAsync()));

        var dataset = PipelineFlow.NewDatasetId();
        using (var phantoms = new PhantomDataset(2))
        {
            await PipelineFlow.UploadAsync(_silo.Blobs, dataset, phantoms, count: 2);
        }

        var grain = _client.GetGrain<IDatasetGrain>(dataset);
        await OnBehalfOfAsync(gateway, "oidc:alice", () => grain.CreateAsync(new CreateDataset { WorkingSize = 64 }));
        var access = await OnBehalfOfAsync(gateway, "oidc:alice", () => grain.RequireRoleAsync(DatasetRole.Owner));
        Assert.Equal("oidc:alice", access.Owner);

        // Bob, through the same key: nothing until alice grants him viewer, then reading but not running.
        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, "oidc:bob", () => grain.GetStatusAsync()));
        Assert.Contains("'oidc:bob'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the viewer role", refused.Message, StringComparison.Ordinal);
        await OnBehalfOfAsync(gateway, "oidc:alice", () => grain.GrantAsync("oidc:bob", DatasetRole.Viewer));
        Assert.Equal(DatasetPhase.Embedding, (await OnBehalfOfAsync(gateway, "oidc:bob", () => grain.GetStatusAsync())).Phase);
        await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, "oidc:bob", () => grain.CancelAsync()));

        // The key's own principal, without an on-behalf-of name, has no role on alice's dataset.
        Assert.Equal(new CallerPrincipal("gateway", Admin: false), await SecuredSilo.AsAsync(gateway, () => keys.WhoAmIAsync()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(gateway, () => grain.GetStatusAsync()));
    }

    [Fact]
    public async Task A_delegated_principal_is_never_an_admin_nor_a_reserved_or_malformed_name()
    {
        var gateway = await DelegateKeyAsync("gateway-2");
        var keys = _client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey);

        var admin = await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, AccessKeySecrets.BootstrapAdmin, () => keys.WhoAmIAsync()));
        Assert.Contains("bootstrap admin", admin.Message, StringComparison.Ordinal);
        var reserved = await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, "sammpa:silo", () => keys.WhoAmIAsync()));
        Assert.Contains("reserved", reserved.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, " padded", () => keys.WhoAmIAsync()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, "", () => keys.WhoAmIAsync()));

        // A name that an admin key's principal might have is still no admin: keys stay out of reach.
        await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, "root", () => keys.ListAsync()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => OnBehalfOfAsync(gateway, "root", () => keys.CreateDelegateAsync("another")));

        var listed = await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => keys.ListAsync());
        var key = Assert.Single(listed, k => k.Principal == "gateway-2");
        Assert.True(key.Delegate);
        Assert.False(key.Admin);
        Assert.All(listed.Where(k => k.Principal != "gateway-2"), k => Assert.False(k.Delegate));
    }

    private async Task<string> DelegateKeyAsync(string principal) =>
        (await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => _client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).CreateDelegateAsync(principal))).Secret;

    /// <summary>Runs <paramref name="call"/> with <paramref name="secret"/> and <paramref name="principal"/> as its on-behalf-of name.</summary>
    private static async Task<T> OnBehalfOfAsync<T>(string secret, string principal, Func<Task<T>> call)
    {
        RequestContext.Set(CallerContext.OnBehalfOf, principal);
        try
        {
            return await SecuredSilo.AsAsync(secret, call);
        }
        finally
        {
            RequestContext.Remove(CallerContext.OnBehalfOf);
        }
    }

    private static Task OnBehalfOfAsync(string secret, string principal, Func<Task> call) => OnBehalfOfAsync(secret, principal, async () =>
    {
        await call();
        return true;
    });
}
