using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SamMpa.Grains.Webhooks;

namespace SamMpa.Gateway.Api;

/// <summary>
/// Webhooks: <c>/datasets/{id}/webhooks</c> for one dataset (the owner role on it), <c>/webhooks</c> for every dataset
/// the caller owns. Each event is POSTed signed in the Standard Webhooks style and retried with backoff; each
/// subscription's delivery log can be read. The silos check the caller's role on every call.
/// </summary>
internal static class WebhookEndpoints
{
    public static RouteGroupBuilder MapWebhookEndpoints(this RouteGroupBuilder api)
    {
        var perDataset = api.MapGroup("/datasets/{id}/webhooks").WithTags("Webhooks");

        perDataset.MapPost("/", async (string id, WebhookRequest request, IClusterClient cluster) =>
                CreatedAnswer(await DatasetGrain(cluster, id).SubscribeAsync(request.Url), $"/datasets/{id}/webhooks"))
            .WithName("SubscribeDatasetWebhook")
            .WithSummary("POST every later completion event of the dataset to a URL, signed; the answer holds the signing secret, once")
            .Produces<WebhookCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        perDataset.MapGet("/", async (string id, IClusterClient cluster) => Views(await DatasetGrain(cluster, id).ListAsync()))
            .WithName("ListDatasetWebhooks")
            .WithSummary("The dataset's webhook subscriptions")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        perDataset.MapDelete("/{subscription}", async (string id, string subscription, IClusterClient cluster) =>
            {
                await DatasetGrain(cluster, id).UnsubscribeAsync(subscription);
                return TypedResults.NoContent();
            })
            .WithName("DeleteDatasetWebhook")
            .WithSummary("End a subscription of the dataset; events still queued for it are dropped")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        perDataset.MapGet("/{subscription}/deliveries", async (string id, string subscription, IClusterClient cluster) =>
                Deliveries(await DatasetGrain(cluster, id).GetDeliveriesAsync(subscription)))
            .WithName("ListDatasetWebhookDeliveries")
            .WithSummary("The subscription's delivery log: each attempt (event id, time, status or error, duration), oldest first, the newest kept")
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

        var perOwner = api.MapGroup("/webhooks").WithTags("Webhooks");

        perOwner.MapPost("/", async (WebhookRequest request, ClaimsPrincipal user, IClusterClient cluster) =>
                CreatedAnswer(await OwnerGrain(cluster, user).SubscribeAsync(request.Url), "/webhooks"))
            .WithName("SubscribeOwnerWebhook")
            .WithSummary("POST every later completion event of every dataset the caller owns (now or later) to a URL, signed; the answer holds the signing secret, once")
            .Produces<WebhookCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict);

        perOwner.MapGet("/", async (ClaimsPrincipal user, IClusterClient cluster) => Views(await OwnerGrain(cluster, user).ListAsync()))
            .WithName("ListOwnerWebhooks")
            .WithSummary("The caller's webhook subscriptions over the datasets it owns");

        perOwner.MapDelete("/{subscription}", async (string subscription, ClaimsPrincipal user, IClusterClient cluster) =>
            {
                await OwnerGrain(cluster, user).UnsubscribeAsync(subscription);
                return TypedResults.NoContent();
            })
            .WithName("DeleteOwnerWebhook")
            .WithSummary("End one of the caller's subscriptions; events still queued for it are dropped")
            .ProducesProblem(StatusCodes.Status404NotFound);

        perOwner.MapGet("/{subscription}/deliveries", async (string subscription, ClaimsPrincipal user, IClusterClient cluster) =>
                Deliveries(await OwnerGrain(cluster, user).GetDeliveriesAsync(subscription)))
            .WithName("ListOwnerWebhookDeliveries")
            .WithSummary("The subscription's delivery log: each attempt (event id, time, status or error, duration), oldest first, the newest kept")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return api;
    }

    private static IDatasetWebhooksGrain DatasetGrain(IClusterClient cluster, string id) =>
        cluster.GetGrain<IDatasetWebhooksGrain>(new GatewayDataset(cluster, id).Id);

    /// <summary>The webhooks of the caller's own principal (the one its key names).</summary>
    private static IOwnerWebhooksGrain OwnerGrain(IClusterClient cluster, ClaimsPrincipal user) =>
        cluster.GetGrain<IOwnerWebhooksGrain>(user.Identity?.Name
            ?? throw new InvalidOperationException("The request is authenticated without a principal name."));

    private static Created<WebhookCreated> CreatedAnswer(CreatedWebhook created, string under) =>
        TypedResults.Created(
            $"{GatewayHosting.ApiBase}{under}/{created.Subscription.Id}",
            new WebhookCreated(WebhookView.Of(created.Subscription), created.Secret));

    private static List<WebhookView> Views(IReadOnlyList<WebhookSubscription> subscriptions) => subscriptions.Select(WebhookView.Of).ToList();

    private static List<WebhookDeliveryView> Deliveries(IReadOnlyList<WebhookDelivery> log) => log.Select(WebhookDeliveryView.Of).ToList();
}
