using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SamMpa.Grains.Webhooks;

namespace SamMpa.Tests.Webhooks;

/// <summary>
/// A real webhook receiver on loopback (Kestrel on 127.0.0.1, a free port): answers 500 to its first
/// <c>failFirst</c> deliveries, then 200; records every delivery with its headers, body and whether its signature is
/// valid for <see cref="Secret"/>. Tests wait on <see cref="WaitForAsync"/>, which completes when a delivery matches.
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    public const string HookPath = "/hook";

    private readonly object _gate = new();
    private readonly List<ReceivedDelivery> _deliveries = [];
    private readonly List<(Func<ReceivedDelivery, bool> Match, TaskCompletionSource<ReceivedDelivery> Found)> _waiters = [];
    private readonly List<(int Count, TaskCompletionSource Reached)> _countWaiters = [];
    private readonly int _failFirst;
    private WebApplication? _app;

    private WebhookReceiver(int failFirst) => _failFirst = failFirst;

    /// <summary>The URL to subscribe.</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>The subscription's secret, set once it is made (no delivery comes before).</summary>
    public string? Secret { get; set; }

    public IReadOnlyList<ReceivedDelivery> Deliveries
    {
        get
        {
            lock (_gate)
            {
                return _deliveries.ToList();
            }
        }
    }

    public static async Task<WebhookReceiver> StartAsync(int failFirst)
    {
        var receiver = new WebhookReceiver(failFirst);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapPost(HookPath, (Func<HttpContext, Task<IResult>>)receiver.ReceiveAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver._app = app;
        receiver.Url = address.TrimEnd('/') + HookPath;
        return receiver;
    }

    /// <summary>The first accepted (200) delivery that <paramref name="match"/> takes, already here or still to come.</summary>
    public Task<ReceivedDelivery> WaitForAsync(Func<ReceivedDelivery, bool> match)
    {
        var found = new TaskCompletionSource<ReceivedDelivery>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_deliveries.FirstOrDefault(d => d.Accepted && match(d)) is { } earlier)
            {
                found.SetResult(earlier);
            }
            else
            {
                _waiters.Add((match, found));
            }
        }

        return found.Task;
    }

    /// <summary>Completes once <paramref name="count"/> deliveries (accepted or not) have come.</summary>
    public Task WaitForCountAsync(int count)
    {
        var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_deliveries.Count >= count)
            {
                reached.SetResult();
            }
            else
            {
                _countWaiters.Add((count, reached));
            }
        }

        return reached.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task<IResult> ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        var headers = context.Request.Headers;
        string? id = headers[WebhookSignature.IdHeader];
        string? timestamp = headers[WebhookSignature.TimestampHeader];
        string? signature = headers[WebhookSignature.SignatureHeader];
        var verification = Secret is { } secret
            ? WebhookSignature.Verify(secret, id, timestamp, body, signature, DateTimeOffset.UtcNow, WebhookSignature.DefaultTolerance)
            : WebhookVerification.MissingHeader;

        List<TaskCompletionSource<ReceivedDelivery>> matched = [];
        List<TaskCompletionSource> counted = [];
        ReceivedDelivery delivery;
        lock (_gate)
        {
            var accepted = _deliveries.Count >= _failFirst;
            delivery = new ReceivedDelivery(id ?? string.Empty, timestamp, signature, body, verification, accepted);
            _deliveries.Add(delivery);
            foreach (var waiter in _countWaiters.Where(w => w.Count <= _deliveries.Count).ToList())
            {
                _countWaiters.Remove(waiter);
                counted.Add(waiter.Reached);
            }

            if (accepted)
            {
                foreach (var waiter in _waiters.Where(w => w.Match(delivery)).ToList())
                {
                    _waiters.Remove(waiter);
                    matched.Add(waiter.Found);
                }
            }
        }

        foreach (var found in matched)
        {
            found.SetResult(delivery);
        }

        foreach (var reached in counted)
        {
            reached.SetResult();
        }

        return delivery.Accepted ? Results.Ok() : Results.StatusCode(StatusCodes.Status500InternalServerError);
    }
}

/// <summary>One delivery as the receiver got it; <see cref="Accepted"/> when it answered 200.</summary>
internal sealed record ReceivedDelivery(string Id, string? Timestamp, string? Signature, byte[] Body, WebhookVerification Verification, bool Accepted)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Type => Json.GetProperty("type").GetString() ?? string.Empty;
}
