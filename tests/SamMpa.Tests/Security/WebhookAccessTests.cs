using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Grains.Webhooks;

namespace SamMpa.Tests.Security;

/// <summary>
/// Who may manage webhooks, at the silo's boundary: a dataset's webhooks its owner (and admins), an owner's webhooks that
/// principal (and admins); the delivery grains and the dispatcher's lists are internal (a client that could queue an
/// event would have the cluster sign what it likes). A silo takes https URLs only unless Webhooks:AllowHttp says so.
/// </summary>
public sealed class WebhookAccessTests : IAsyncLifetime
{
    private const string Url = "https://hooks.example.org/sammpa";

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-webhook-access-").FullName;
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
    public async Task Only_the_owner_or_an_admin_manages_a_datasets_webhooks()
    {
        var principal = $"owner-{Guid.NewGuid():N}";
        var owner = await SecuredSilo.KeyForAsync(_client, principal);
        var dataset = await _silo.CreateDatasetAsync(_client, owner);
        var viewer = await SecuredSilo.KeyForAsync(_client, "viewer-wes");
        await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => _client.GetGrain<IDatasetGrain>(dataset).GrantAsync("viewer-wes", DatasetRole.Viewer));
        var hooks = _client.GetGrain<IDatasetWebhooksGrain>(dataset);

        var created = await SecuredSilo.AsAsync(owner, () => hooks.SubscribeAsync(Url));
        Assert.Equal((WebhookScope.Dataset, dataset, Url), (created.Subscription.Scope, created.Subscription.Target, created.Subscription.Url));
        Assert.Single(await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => hooks.ListAsync()));

        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(viewer, () => hooks.ListAsync()));
        Assert.Contains("'viewer-wes'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("the owner role", refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(viewer, () => hooks.SubscribeAsync(Url)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(viewer, () => hooks.GetDeliveriesAsync(created.Subscription.Id)));
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(viewer, () => hooks.UnsubscribeAsync(created.Subscription.Id)));

        var http = await Assert.ThrowsAsync<ArgumentException>(() => SecuredSilo.AsAsync(owner, () => hooks.SubscribeAsync("http://hooks.example.org/sammpa")));
        Assert.Contains("'http://hooks.example.org/sammpa'", http.Message, StringComparison.Ordinal);
        Assert.Contains("Webhooks:AllowHttp", http.Message, StringComparison.Ordinal);

        await SecuredSilo.AsAsync(owner, () => hooks.UnsubscribeAsync(created.Subscription.Id));
        Assert.Empty(await SecuredSilo.AsAsync(owner, () => hooks.ListAsync()));
    }

    [Fact]
    public async Task An_owners_webhooks_are_that_principals_and_the_delivery_side_is_internal()
    {
        var alice = await SecuredSilo.KeyForAsync(_client, "alice-hooks");
        var mallory = await SecuredSilo.KeyForAsync(_client, "mallory-hooks");
        var hooks = _client.GetGrain<IOwnerWebhooksGrain>("alice-hooks");

        var created = await SecuredSilo.AsAsync(alice, () => hooks.SubscribeAsync(Url));
        Assert.StartsWith(WebhookSignature.SecretPrefix, created.Secret, StringComparison.Ordinal);
        var refused = await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(mallory, () => hooks.ListAsync()));
        Assert.Contains("'mallory-hooks'", refused.Message, StringComparison.Ordinal);
        Assert.Contains("'alice-hooks'", refused.Message, StringComparison.Ordinal);
        Assert.Single(await SecuredSilo.AsAsync(TestAccessKeys.Admin, () => hooks.ListAsync()));

        // Not even an admin key reaches the delivery side from outside the cluster.
        var forged = new WebhookEvent { EventId = "forged", Type = "dataset_completed", Body = "{}" };
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(TestAccessKeys.Admin, async () =>
        {
            await _client.GetGrain<IWebhookSubscriptionGrain>(created.Subscription.Id).EnqueueAsync(forged);
            return true;
        }));
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(TestAccessKeys.Admin, () => _client.GetGrain<IOwnerWebhookTargets>("alice-hooks").SubscriptionIdsAsync()));
        await Assert.ThrowsAsync<AccessDeniedException>(() => SecuredSilo.AsAsync(TestAccessKeys.Admin, () => _client.GetGrain<IDatasetWebhookTargets>("any").SubscriptionIdsAsync()));
        Assert.Empty(await SecuredSilo.AsAsync(alice, () => hooks.GetDeliveriesAsync(created.Subscription.Id)));
    }
}
