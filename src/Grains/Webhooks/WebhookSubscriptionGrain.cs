using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// One subscription: delivers its queue in order, one POST at a time, from a grain timer (never a wait inside a call)
/// that interleaves with calls, so events are queued (and the log read) while a POST waits for its receiver; state
/// writes are one at a time. A failed attempt (a non-2xx answer, no answer within
/// Webhooks:AttemptTimeout, a refused connection) is retried after an exponential backoff, until Webhooks:MaxAttempts
/// or Webhooks:MaxAge, when the event is given up and the next goes. A reminder wakes it after a silo failure while
/// events wait. Every attempt goes in the bounded delivery log.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The timer is disposed when the queue empties, and Orleans disposes grain timers with the activation; the semaphore holds no wait handle.")]
internal sealed class WebhookSubscriptionGrain(
    [PersistentState("webhook", Constants.StorageProviderName)] IPersistentState<WebhookSubscriptionState> state,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    ILogger<WebhookSubscriptionGrain> logger)
    : Grain, IWebhookSubscriptionGrain, IRemindable
{
    /// <summary>Orleans' shortest reminder period: the reminder only matters after a silo failure.</summary>
    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromMinutes(1);

    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    /// <summary>One state write at a time: the timer's turn interleaves with calls that write too.</summary>
    private readonly SemaphoreSlim _writes = new(1, 1);

    /// <summary>True while the timer's turn runs: it schedules the next turn itself when it ends.</summary>
    private bool _delivering;

    /// <summary>The one-shot timer that runs the next attempt; null while the queue is empty.</summary>
    private IGrainTimer? _pump;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _seen.UnionWith(state.State.Seen);
        if (state.State.Open && state.State.Queue.Count > 0)
        {
            ScheduleNext();
        }

        return Task.CompletedTask;
    }

    public async Task OpenAsync(WebhookScope scope, string target, string url, string secret)
    {
        var s = state.State;
        if (s.Open || s.Created != default)
        {
            if (s.Open && s.Scope == scope && s.Target == target && s.Url == url && s.Secret == secret)
            {
                return;
            }

            throw new InvalidOperationException($"Webhook '{Id}' exists already; a new subscription takes a new id.");
        }

        _ = WebhookSignature.KeyOf(secret);
        state.State = new WebhookSubscriptionState
        {
            Open = true,
            Scope = scope,
            Target = target,
            Url = url,
            Secret = secret,
            Created = DateTimeOffset.UtcNow,
        };
        await WriteAsync();
    }

    public async Task CloseAsync()
    {
        var s = state.State;
        if (!s.Open)
        {
            return;
        }

        s.Open = false;
        s.Queue.Clear();
        await WriteAsync();
        await StopAsync();
    }

    public async Task EnqueueAsync(WebhookEvent completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var s = state.State;
        if (!s.Open || _seen.Contains(completion.EventId))
        {
            return;
        }

        var now = DateTimeOffset.UtcNow;
        s.Queue.Add(new QueuedWebhookEvent { Event = completion, Queued = now, NextAttempt = now });
        Remember(completion.EventId);
        await WriteAsync();
        if (_pump is null)
        {
            // The queue was idle: from now until it empties, a reminder brings it back after a silo failure.
            await this.RegisterOrUpdateReminder(Constants.WebhookReminderName, ReminderPeriod, ReminderPeriod);
            ScheduleNext();
        }
    }

    public Task<WebhookSubscription?> GetInfoAsync()
    {
        var s = state.State;
        return Task.FromResult(s.Created == default
            ? null
            : new WebhookSubscription
            {
                Id = Id,
                Url = s.Url,
                Scope = s.Scope,
                Target = s.Target,
                Created = s.Created,
                Pending = s.Queue.Count,
                Delivered = s.Delivered,
                GivenUp = s.GivenUp,
            });
    }

    public Task<IReadOnlyList<WebhookDelivery>> GetDeliveriesAsync() =>
        Task.FromResult<IReadOnlyList<WebhookDelivery>>(state.State.Log.ToList());

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (reminderName != Constants.WebhookReminderName)
        {
            return;
        }

        if (state.State.Open && state.State.Queue.Count > 0)
        {
            ScheduleNext();
        }
        else
        {
            await StopAsync();
        }
    }

    /// <summary>The timer's turn: one attempt of the queue's first event (when its backoff has passed), then the next turn.</summary>
    private async Task DeliverNextAsync(CancellationToken cancellationToken)
    {
        if (_delivering)
        {
            return;
        }

        _delivering = true;
        try
        {
            await AttemptFirstAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Storage gone for a moment, say: the queue stays as it is in memory and the next turn goes on (what was not
            // written is written with the next write, or delivered again after a silo failure: at least once).
            logger.LogWarning(e, "Webhook {Subscription}: a delivery turn failed; the next one goes on", Id);
        }
        finally
        {
            _delivering = false;
        }

        if (state.State.Open && state.State.Queue.Count > 0)
        {
            ScheduleNext();
        }
        else
        {
            await StopAsync();
        }
    }

    private async Task AttemptFirstAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        if (!s.Open || s.Queue.Count == 0 || s.Queue[0].NextAttempt > DateTimeOffset.UtcNow)
        {
            return;
        }

        var head = s.Queue[0];
        var settings = options.Value;
        var attempt = await PostAsync(head.Event, settings.AttemptTimeout, cancellationToken);
        if (!s.Open || s.Queue.Count == 0 || !ReferenceEquals(s.Queue[0], head))
        {
            // Closed while the POST was out: nothing to record.
            return;
        }

        head.Attempts++;
        var ended = DateTimeOffset.UtcNow;
        WebhookDeliveryOutcome outcome;
        if (attempt.Error is null)
        {
            outcome = WebhookDeliveryOutcome.Delivered;
            s.Queue.RemoveAt(0);
            s.Delivered++;
        }
        else if (head.Attempts >= settings.MaxAttempts || ended - head.Queued >= settings.MaxAge)
        {
            outcome = WebhookDeliveryOutcome.GaveUp;
            s.Queue.RemoveAt(0);
            s.GivenUp++;
            logger.LogWarning(
                "Webhook {Subscription}: gave up event {EventId} after {Attempts} attempts; the last: {Error}", Id, head.Event.EventId, head.Attempts, attempt.Error);
        }
        else
        {
            outcome = WebhookDeliveryOutcome.WillRetry;
            head.NextAttempt = ended + Backoff(head.Attempts, settings);
        }

        s.Log.Add(attempt with { Attempt = head.Attempts, Outcome = outcome });
        if (s.Log.Count > settings.DeliveryLogSize)
        {
            s.Log.RemoveRange(0, s.Log.Count - settings.DeliveryLogSize);
        }

        await WriteAsync();
    }

    /// <summary>One signed POST of <paramref name="completion"/>; the log entry (without attempt number and outcome yet).</summary>
    private async Task<WebhookDelivery> PostAsync(WebhookEvent completion, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var s = state.State;
        var started = DateTimeOffset.UtcNow;
        var body = Encoding.UTF8.GetBytes(completion.Body);
        var timestamp = started.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, s.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.IdHeader, completion.EventId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(WebhookSignature.SignatureHeader, WebhookSignature.Sign(s.Secret, completion.EventId, timestamp, body));

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var watch = Stopwatch.StartNew();
        int? status = null;
        string? error;
        try
        {
            using var response = await httpClients.CreateClient(Constants.WebhookHttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
            status = (int)response.StatusCode;
            error = response.IsSuccessStatusCode ? null : $"HTTP {status} {response.ReasonPhrase}".TrimEnd();
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            error = $"no answer within {timeout.TotalSeconds:0.###} s (Webhooks:AttemptTimeout)";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Whatever went wrong is this attempt's failure (a refused connection, a refused address, a bad answer), retried.
            error = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
        }

        return new WebhookDelivery
        {
            EventId = completion.EventId,
            At = started,
            StatusCode = status,
            Error = error,
            DurationMilliseconds = watch.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>FirstRetryDelay x 2^(attempts-1), at most MaxRetryDelay.</summary>
    internal static TimeSpan Backoff(int attempts, WebhookOptions settings)
    {
        var factor = Math.Pow(2, Math.Clamp(attempts - 1, 0, 40));
        var delay = settings.FirstRetryDelay.TotalMilliseconds * factor;
        return delay >= settings.MaxRetryDelay.TotalMilliseconds ? settings.MaxRetryDelay : TimeSpan.FromMilliseconds(delay);
    }

    /// <summary>Runs <see cref="DeliverNextAsync"/> when the queue's first event is due (at once when it is).</summary>
    private void ScheduleNext()
    {
        if (_delivering)
        {
            return;
        }

        var due = state.State.Queue.Count == 0 ? TimeSpan.Zero : state.State.Queue[0].NextAttempt - DateTimeOffset.UtcNow;
        _pump ??= this.RegisterGrainTimer(DeliverNextAsync, new GrainTimerCreationOptions(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan) { KeepAlive = true, Interleave = true });
        _pump.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The queue is empty (or closed): no timer, no reminder.</summary>
    private async Task StopAsync()
    {
        _pump?.Dispose();
        _pump = null;
        // An event queued while the reminder was looked up started the timer again: it needs the reminder.
        if (await this.GetReminder(Constants.WebhookReminderName) is { } reminder && _pump is null)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private async Task WriteAsync()
    {
        await _writes.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _writes.Release();
        }
    }

    private void Remember(string eventId)
    {
        var seen = state.State.Seen;
        seen.Add(eventId);
        _seen.Add(eventId);
        var excess = seen.Count - options.Value.DeduplicationWindow;
        if (excess > 0)
        {
            foreach (var old in seen.Take(excess))
            {
                _seen.Remove(old);
            }

            seen.RemoveRange(0, excess);
        }
    }
}
