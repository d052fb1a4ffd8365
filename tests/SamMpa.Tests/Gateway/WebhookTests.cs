using System.Net;
using System.Net.Http.Headers;
using System.Text;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Webhooks;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Webhooks;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// Webhooks over the gateway, to a real receiver on loopback: a dataset subscription whose receiver fails the first 2
/// deliveries, and an owner subscription made before the dataset exists; a run driven over HTTP. Each receiver gets
/// every event (SupportsSelected, each ImageSegmented, DatasetCompleted), each signed validly; the delivery log shows
/// the failed attempts, then the success.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class WebhookTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_receiver_that_fails_the_first_two_deliveries_gets_every_event_signed()
    {
        var principal = "wh-owner-" + Guid.NewGuid().ToString("N")[..8];
        using var http = gateway.Http(await gateway.KeyForAsync(principal));
        await using var flaky = await WebhookReceiver.StartAsync(failFirst: 2);
        await using var ownerReceiver = await WebhookReceiver.StartAsync(failFirst: 0);
        using var patience = new CancellationTokenSource(PipelineFlow.Patience);

        // Per owner, before the dataset exists: it covers the datasets the caller will own.
        var ownerHook = await GatewayJson.ReadAsync<WebhookCreated>(await http.PostAsync("/api/v1/webhooks", GatewayJson.Json(new WebhookRequest { Url = ownerReceiver.Url })));
        ownerReceiver.Secret = ownerHook.Secret;
        Assert.Equal((WebhookScope.Owner, principal), (ownerHook.Webhook.Scope, ownerHook.Webhook.Target));

        using var phantoms = new PhantomDataset(PipelineFlow.ImageCount);
        var dataset = PipelineFlow.NewDatasetId();
        await CreateAsync(http, dataset, phantoms);

        var created = await http.PostAsync($"/api/v1/datasets/{dataset}/webhooks", GatewayJson.Json(new WebhookRequest { Url = flaky.Url }));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var hook = await GatewayJson.ReadAsync<WebhookCreated>(created);
        flaky.Secret = hook.Secret;
        Assert.Equal($"/api/v1/datasets/{dataset}/webhooks/{hook.Webhook.Id}", created.Headers.Location?.OriginalString);
        Assert.StartsWith(WebhookSignature.SecretPrefix, hook.Secret, StringComparison.Ordinal);
        var listed = await GatewayJson.ReadAsync<List<WebhookView>>(await http.GetAsync($"/api/v1/datasets/{dataset}/webhooks"));
        Assert.Equal([hook.Webhook.Id], listed.Select(w => w.Id));

        // Select: the supports come with the event (after the flaky receiver's two failures and their retries).
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/v1/datasets/{dataset}/selection", GatewayJson.Json(new SelectionRequest { K = PipelineFlow.K }))).StatusCode);
        var selected = await Within(flaky.WaitForAsync(d => d.Type == "supports_selected"), patience, "a supports_selected delivery");
        var supports = selected.Json.GetProperty("supports").EnumerateArray().Select(s => s.GetString()!).ToList();
        Assert.Equal(PipelineFlow.K, supports.Count);

        foreach (var support in supports)
        {
            using var mask = Png(Path.Combine(phantoms.MasksDirectory, support));
            var annotated = await http.PutAsync($"/api/v1/datasets/{dataset}/supports/{support}/annotation", mask);
            Assert.True(annotated.IsSuccessStatusCode, $"annotation of {support}: {(int)annotated.StatusCode} {await annotated.Content.ReadAsStringAsync()}");
        }

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/v1/datasets/{dataset}/runs", GatewayJson.Json(new RunRequest { Stages = "mp" }))).StatusCode);
        var completed = await Within(flaky.WaitForAsync(d => d.Type == "dataset_completed"), patience, "a dataset_completed delivery to the dataset's webhook");
        await Within(ownerReceiver.WaitForAsync(d => d.Id == completed.Id), patience, $"the dataset_completed delivery {completed.Id} to the owner's webhook");

        var queries = Enumerable.Range(0, PipelineFlow.ImageCount).Select(PhantomDataset.Name).Except(supports).ToHashSet();
        foreach (var receiver in new[] { flaky, ownerReceiver })
        {
            var accepted = receiver.Deliveries.Where(d => d.Accepted).ToList();
            Assert.All(receiver.Deliveries, d => Assert.True(d.Verification == WebhookVerification.Valid, $"delivery {d.Id} ({d.Type}): signature {d.Verification}"));
            // Repeats (the same fact published again) carry the same id: one per event after dropping them by id.
            var events = accepted.GroupBy(d => d.Id).Select(g => g.First()).ToList();
            Assert.Equal(events.Count, accepted.Count);
            Assert.Single(events, e => e.Type == "supports_selected");
            Assert.Single(events, e => e.Type == "dataset_completed");
            var segmented = events.Where(e => e.Type == "image_segmented").Select(e => e.Json.GetProperty("outcome").GetProperty("image").GetString()!).ToList();
            Assert.True(queries.SetEquals(segmented), $"expected an image_segmented event for each of {string.Join(", ", queries.Order())}; got {string.Join(", ", segmented.Order())}");
            Assert.Equal(queries.Count + 2, events.Count);
            Assert.All(events, e => Assert.Equal(dataset, e.Json.GetProperty("dataset").GetString()));
        }

        // The flaky receiver answered 500 twice, to the first event: the log shows both failures, then its success.
        Assert.Equal(2, flaky.Deliveries.Count(d => !d.Accepted));
        var log = await LogAsync(http, $"/api/v1/datasets/{dataset}/webhooks/{hook.Webhook.Id}/deliveries", flaky, patience);
        var first = log.Take(3).ToList();
        Assert.True(first.Count == 3 && first.All(d => d.EventId == selected.Id), $"expected the first 3 attempts to be of {selected.Id}; got {string.Join(", ", first.Select(d => d.EventId))}");
        Assert.Equal([500, 500, 200], first.Select(d => d.StatusCode ?? 0));
        Assert.Equal([1, 2, 3], first.Select(d => d.Attempt));
        Assert.Equal([WebhookDeliveryOutcome.WillRetry, WebhookDeliveryOutcome.WillRetry, WebhookDeliveryOutcome.Delivered], first.Select(d => d.Outcome));
        Assert.All(first.Take(2), d => Assert.Contains("500", d.Error, StringComparison.Ordinal));
        Assert.All(log.Skip(3), d => Assert.True(d.Outcome == WebhookDeliveryOutcome.Delivered && d.StatusCode == 200, $"{d.EventId}: attempt {d.Attempt} {d.Outcome} {d.StatusCode} {d.Error}"));
        Assert.Equal(flaky.Deliveries.Where(d => d.Accepted).Select(d => d.Id), log.Where(d => d.Outcome == WebhookDeliveryOutcome.Delivered).Select(d => d.EventId));

        var ownerLog = await LogAsync(http, $"/api/v1/webhooks/{ownerHook.Webhook.Id}/deliveries", ownerReceiver, patience);
        Assert.Equal(ownerReceiver.Deliveries.Select(d => d.Id), ownerLog.Select(d => d.EventId));

        // A delivery changed on its way (body or signature) no longer verifies.
        var tamperedBody = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(completed.Body).Replace("\"cancelled\":false", "\"cancelled\":true", StringComparison.Ordinal));
        Assert.NotEqual(completed.Body, tamperedBody);
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(hook.Secret, completed.Id, completed.Timestamp, tamperedBody, completed.Signature, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        var forged = "v1," + Convert.ToBase64String(new byte[32]);
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(hook.Secret, completed.Id, completed.Timestamp, completed.Body, forged, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));
        Assert.Equal(WebhookVerification.BadSignature, WebhookSignature.Verify(ownerHook.Secret, completed.Id, completed.Timestamp, completed.Body, completed.Signature, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance));

        // Deleted: no longer listed, its log no longer served.
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/datasets/{dataset}/webhooks/{hook.Webhook.Id}")).StatusCode);
        Assert.Empty(await GatewayJson.ReadAsync<List<WebhookView>>(await http.GetAsync($"/api/v1/datasets/{dataset}/webhooks")));
        await GatewayJson.ProblemAsync(await http.GetAsync($"/api/v1/datasets/{dataset}/webhooks/{hook.Webhook.Id}/deliveries"), 404, hook.Webhook.Id);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync($"/api/v1/webhooks/{ownerHook.Webhook.Id}")).StatusCode);
    }

    [Fact]
    public async Task An_event_the_receiver_never_takes_is_given_up_after_the_last_attempt()
    {
        const int MaxAttempts = 12; // Webhooks:MaxAttempts, the default the test cluster keeps.
        var principal = "wh-giveup-" + Guid.NewGuid().ToString("N")[..8];
        using var http = gateway.Http(await gateway.KeyForAsync(principal));
        await using var refusing = await WebhookReceiver.StartAsync(failFirst: int.MaxValue);
        using var patience = new CancellationTokenSource(PipelineFlow.Patience);
        var hook = await GatewayJson.ReadAsync<WebhookCreated>(await http.PostAsync("/api/v1/webhooks", GatewayJson.Json(new WebhookRequest { Url = refusing.Url })));
        refusing.Secret = hook.Secret;

        // One event: the supports of a dataset the principal owns.
        using var phantoms = new PhantomDataset(PipelineFlow.ImageCount);
        var dataset = PipelineFlow.NewDatasetId();
        await CreateAsync(http, dataset, phantoms);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/v1/datasets/{dataset}/selection", GatewayJson.Json(new SelectionRequest { K = PipelineFlow.K }))).StatusCode);
        try
        {
            await refusing.WaitForCountAsync(MaxAttempts).WaitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"expected {MaxAttempts} attempts of the supports_selected event within {PipelineFlow.Patience}; {refusing.Deliveries.Count} came");
        }

        var log = await LogAsync(http, $"/api/v1/webhooks/{hook.Webhook.Id}/deliveries", refusing, patience);
        Assert.Equal(Enumerable.Range(1, MaxAttempts), log.Select(d => d.Attempt));
        Assert.Single(log.Select(d => d.EventId).Distinct());
        Assert.All(log, d => Assert.Equal(500, d.StatusCode));
        Assert.Equal(WebhookDeliveryOutcome.GaveUp, log[^1].Outcome);
        Assert.All(log.SkipLast(1), d => Assert.Equal(WebhookDeliveryOutcome.WillRetry, d.Outcome));
        // Backoff: each wait at least the one before (50 ms doubling to the 200 ms cap in the test cluster).
        var waits = log.Zip(log.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.True(waits.All(w => w >= TimeSpan.FromMilliseconds(50)), $"expected every retry to wait its backoff; waits {string.Join(", ", waits.Select(w => w.TotalMilliseconds))} ms");
        var view = Assert.Single(await GatewayJson.ReadAsync<List<WebhookView>>(await http.GetAsync("/api/v1/webhooks")));
        Assert.Equal((0, 0L, 1L), (view.Pending, view.Delivered, view.GivenUp));
        Assert.Equal(MaxAttempts, refusing.Deliveries.Count);
    }

    [Fact]
    public async Task Bad_subscriptions_are_refused_naming_the_item()
    {
        var dataset = await gateway.SelectedDatasetAsync();
        using var admin = gateway.Http(GatewayKeys.Admin);
        using var stranger = gateway.Http(await gateway.KeyForAsync("wh-stranger"));

        await GatewayJson.ProblemAsync(
            await admin.PostAsync($"/api/v1/datasets/{dataset}/webhooks", GatewayJson.Json(new WebhookRequest { Url = "ftp://example.org/hook" })), 400, "ftp://example.org/hook");
        await GatewayJson.ProblemAsync(
            await admin.PostAsync($"/api/v1/webhooks", GatewayJson.Json(new WebhookRequest { Url = "not a url" })), 400, "not a url");
        await GatewayJson.ProblemAsync(
            await stranger.PostAsync($"/api/v1/datasets/{dataset}/webhooks", GatewayJson.Json(new WebhookRequest { Url = "https://example.org/hook" })), 403, dataset);
        await GatewayJson.ProblemAsync(
            await admin.PostAsync("/api/v1/datasets/no-such-dataset/webhooks", GatewayJson.Json(new WebhookRequest { Url = "https://example.org/hook" })), 404, "no-such-dataset");
        await GatewayJson.ProblemAsync(await admin.DeleteAsync($"/api/v1/datasets/{dataset}/webhooks/wh-none"), 404, "wh-none");
        await GatewayJson.ProblemAsync(await stranger.GetAsync("/api/v1/webhooks/wh-none/deliveries"), 404, "wh-none");
        Assert.Equal(HttpStatusCode.Unauthorized, (await gateway.Http().GetAsync("/api/v1/webhooks")).StatusCode);
    }

    private static async Task CreateAsync(HttpClient http, string dataset, PhantomDataset phantoms)
    {
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(dataset), "id" },
            { new StringContent("64"), "workingSize" },
        };
        foreach (var name in Enumerable.Range(0, PipelineFlow.ImageCount).Select(PhantomDataset.Name))
        {
            upload.Add(Png(Path.Combine(phantoms.ImagesDirectory, name)), "images", name);
        }

        var created = await http.PostAsync("/api/v1/datasets", upload);
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"creating {dataset}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
    }

    private static ByteArrayContent Png(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    /// <summary>
    /// The delivery log once it holds every attempt the receiver saw: the grain writes an attempt's entry after the answer
    /// arrives, so the last one may lag the receiver by a moment. The log is the event here (the grain signals nothing
    /// else), so it is read again until it has them, within the test's patience.
    /// </summary>
    private static async Task<List<WebhookDeliveryView>> LogAsync(HttpClient http, string path, WebhookReceiver receiver, CancellationTokenSource patience)
    {
        while (true)
        {
            var log = await GatewayJson.ReadAsync<List<WebhookDeliveryView>>(await http.GetAsync(path, patience.Token));
            if (log.Count >= receiver.Deliveries.Count)
            {
                return log;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(20), patience.Token);
        }
    }

    private static async Task<T> Within<T>(Task<T> awaited, CancellationTokenSource patience, string what)
    {
        try
        {
            return await awaited.WaitAsync(patience.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"expected {what} within {PipelineFlow.Patience}; none came");
            throw;
        }
    }
}
