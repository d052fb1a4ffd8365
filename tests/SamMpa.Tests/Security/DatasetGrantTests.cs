using Orleans.Streams;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Grains.Security;

namespace SamMpa.Tests.Security;

/// <summary>
/// Roles on a dataset: the owner may do everything, an annotator accept annotations (not run), a viewer read the status
/// only, another principal nothing; admin keys everything; a revoked key nothing; only admins manage keys.
/// </summary>
public sealed class DatasetGrantTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-grants-").FullName;
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
    public async Task A_viewer_reads_the_status_but_cannot_annotate_select_run_cancel_or_grant()
    {
        var (dataset, _, _) = await OwnedDatasetAsync();
        var viewer = await GrantedKeyAsync(dataset, "viewer-vera", DatasetRole.Viewer);
        var grain = _client.GetGrain<IDatasetGrain>(dataset);

        var status = await SecuredSilo.AsAsync(viewer, () => grain.GetStatusAsync());
        Assert.Equal(DatasetPhase.Embedding, status.Phase);
        await RefusedAsync(viewer, () => grain.AcceptAnnotationsAsync(), "viewer-vera", "annotator");
        await RefusedAsync(viewer, () => grain.SelectSupportsAsync(new SelectSupports { K = 1 }), "viewer-vera", "owner");
        await RefusedAsync(viewer, () => grain.RunAsync(new RunSettings()), "viewer-vera", "owner");
        await RefusedAsync(viewer, () => grain.CancelAsync(), "viewer-vera", "owner");
        await RefusedAsync(viewer, async () => { await grain.GrantAsync("viewer-vera", DatasetRole.Owner); return true; }, "viewer-vera", "owner");
        Assert.Equal(DatasetPhase.Embedding, (await SecuredSilo.AsAsync(viewer, () => grain.GetStatusAsync())).Phase);

        // A viewer may follow the dataset's completion events; a stranger may not.
        var completions = _client.GetStreamProvider(Constants.StreamProviderName)
            .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, dataset));
        var subscription = await SecuredSilo.AsAsync(viewer, () => completions.SubscribeAsync((_, _) => Task.CompletedTask));
        await SecuredSilo.AsAsync(viewer, () => subscription.UnsubscribeAsync());
        var stranger = await SecuredSilo.KeyForAsync(_client, "stranger-stu");
        await RefusedAsync(stranger, () => completions.SubscribeAsync((_, _) => Task.CompletedTask), "stranger-stu", "viewer");
    }

    [Fact]
    public async Task An_annotator_may_accept_annotations_but_not_run()
    {
        var (dataset, _, _) = await OwnedDatasetAsync();
        var annotator = await GrantedKeyAsync(dataset, "annotator-ana", DatasetRole.Annotator);
        var grain = _client.GetGrain<IDatasetGrain>(dataset);

        // Let through, and refused by the dataset's phase (no supports yet), not by the trust boundary.
        var accept = await Assert.ThrowsAsync<InvalidOperationException>(() => SecuredSilo.AsAsync(annotator, () => grain.AcceptAnnotationsAsync()));
        Assert.Contains("select supports first", accept.Message, StringComparison.Ordinal);
        await RefusedAsync(annotator, () => grain.RunAsync(new RunSettings()), "annotator-ana", "owner");
        await RefusedAsync(annotator, () => grain.CancelAsync(), "annotator-ana", "owner");
    }

    [Fact]
    public async Task The_owner_and_an_admin_may_do_everything_and_another_principal_nothing()
    {
        var (dataset, owner, _) = await OwnedDatasetAsync();
        var stranger = await SecuredSilo.KeyForAsync(_client, "stranger-sam");
        var grain = _client.GetGrain<IDatasetGrain>(dataset);

        await RefusedAsync(stranger, () => grain.GetStatusAsync(), "stranger-sam", "viewer");
        await RefusedAsync(stranger, () => grain.CreateAsync(new CreateDataset { WorkingSize = 64 }), "stranger-sam", "owner");
        await RefusedAsync(stranger, () => grain.CancelAsync(), "stranger-sam", "owner");

        // The owner: re-create (idempotent), select (kept until embeddings exist), run (refused by the phase only), grant, cancel.
        Assert.Equal(DatasetPhase.Embedding, (await SecuredSilo.AsAsync(owner, () => grain.CreateAsync(new CreateDataset { WorkingSize = 64 }))).Phase);
        await SecuredSilo.AsAsync(owner, () => grain.SelectSupportsAsync(new SelectSupports { K = 1 }));
        await Assert.ThrowsAsync<InvalidOperationException>(() => SecuredSilo.AsAsync(owner, () => grain.RunAsync(new RunSettings())));
        await SecuredSilo.AsAsync(owner, () => grain.GrantAsync("stranger-sam", DatasetRole.Viewer));
        Assert.Equal(DatasetPhase.Embedding, (await SecuredSilo.AsAsync(stranger, () => grain.GetStatusAsync())).Phase);
        await SecuredSilo.AsAsync(owner, () => grain.RevokeAsync("stranger-sam"));
        await RefusedAsync(stranger, () => grain.GetStatusAsync(), "stranger-sam", "viewer");
        Assert.Equal(DatasetPhase.Cancelled, (await SecuredSilo.AsAsync(owner, () => grain.CancelAsync())).Phase);

        // An admin key, on a dataset it does not own.
        Assert.Equal(DatasetPhase.Cancelled, (await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => grain.GetStatusAsync())).Phase);
        await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => grain.GrantAsync("stranger-sam", DatasetRole.Annotator));
    }

    [Fact]
    public async Task A_revoked_key_is_refused_and_only_admins_manage_keys()
    {
        var (dataset, owner, principal) = await OwnedDatasetAsync();
        var keys = _client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey);
        var grain = _client.GetGrain<IDatasetGrain>(dataset);

        var listed = await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => keys.ListAsync());
        var ownerKey = Assert.Single(listed, k => k.Principal == principal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(owner, () => keys.ListAsync()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(owner, () => keys.CreateAsync("owner-again", admin: true)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(owner, () => keys.RevokeAsync(ownerKey.Id)));

        Assert.True(await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => keys.RevokeAsync(ownerKey.Id)));
        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(owner, () => grain.GetStatusAsync()));
        Assert.Contains("unknown or revoked", refused.Message, StringComparison.Ordinal);
        Assert.Contains(await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => keys.ListAsync()), k => k.Id == ownerKey.Id && k.Revoked);
    }

    [Fact]
    public async Task RequireRole_passes_the_roles_held_refuses_higher_ones_and_passes_a_dataset_not_created_yet()
    {
        var (dataset, owner, _) = await OwnedDatasetAsync();
        var viewer = await GrantedKeyAsync(dataset, "viewer-rita", DatasetRole.Viewer);
        var annotator = await GrantedKeyAsync(dataset, "annotator-ravi", DatasetRole.Annotator);
        var stranger = await SecuredSilo.KeyForAsync(_client, "stranger-rex");
        var grain = _client.GetGrain<IDatasetGrain>(dataset);

        var access = await SecuredSilo.AsAsync(viewer, () => grain.RequireRoleAsync(DatasetRole.Viewer));
        Assert.True(access.Exists);
        Assert.Equal(SamMpa.Storage.DatasetBlobLayout.ImagesPrefix(dataset), access.ImagePrefix);
        await RefusedAsync(viewer, () => grain.RequireRoleAsync(DatasetRole.Annotator), "viewer-rita", "annotator");
        Assert.True((await SecuredSilo.AsAsync(annotator, () => grain.RequireRoleAsync(DatasetRole.Annotator))).Exists);
        await RefusedAsync(annotator, () => grain.RequireRoleAsync(DatasetRole.Owner), "annotator-ravi", "owner");
        Assert.True((await SecuredSilo.AsAsync(owner, () => grain.RequireRoleAsync(DatasetRole.Owner))).Exists);
        await RefusedAsync(stranger, () => grain.RequireRoleAsync(DatasetRole.Viewer), "stranger-rex", "viewer");
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => SecuredSilo.AsAsync(owner, () => grain.RequireRoleAsync(DatasetRole.None)));

        var fresh = _client.GetGrain<IDatasetGrain>(Cluster.PipelineFlow.NewDatasetId());
        Assert.False((await SecuredSilo.AsAsync(stranger, () => fresh.RequireRoleAsync(DatasetRole.Owner))).Exists);
    }

    [Fact]
    public async Task WhoAmI_names_the_principal_of_any_valid_key_and_refuses_an_unknown_one()
    {
        var keys = _client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey);
        var key = await SecuredSilo.KeyForAsync(_client, "plain-paula");

        Assert.Equal(new CallerPrincipal("plain-paula", Admin: false), await SecuredSilo.AsAsync(key, () => keys.WhoAmIAsync()));
        Assert.True((await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => keys.WhoAmIAsync())).Admin);
        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync("smk_not-a-key", () => keys.WhoAmIAsync()));
        Assert.Contains("unknown or revoked", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A dataset created by a fresh principal "owner-{guid}": the dataset, the owner's key and name.</summary>
    private async Task<(string Dataset, string OwnerKey, string Owner)> OwnedDatasetAsync()
    {
        var principal = $"owner-{Guid.NewGuid():N}";
        var owner = await SecuredSilo.KeyForAsync(_client, principal);
        var dataset = await _silo.CreateDatasetAsync(_client, owner);
        return (dataset, owner, principal);
    }

    private async Task<string> GrantedKeyAsync(string dataset, string principal, DatasetRole role)
    {
        var key = await SecuredSilo.KeyForAsync(_client, principal);
        await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => _client.GetGrain<IDatasetGrain>(dataset).GrantAsync(principal, role));
        return key;
    }

    private static async Task RefusedAsync<T>(string key, Func<Task<T>> call, string principal, string neededRole)
    {
        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(key, call));
        Assert.Contains($"'{principal}'", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"the {neededRole} role", refused.Message, StringComparison.Ordinal);
    }
}
