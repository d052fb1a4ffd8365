using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using SamMpa.Client.Commands;

namespace SamMpa.Client.Gateway;

/// <summary>
/// The gateway's REST API as the CLI calls it (<c>/api/v1</c>, the API key as a bearer token). A refusal becomes a
/// <see cref="GatewayException"/> carrying the problem answer's detail (400, 404, 409, 413: bad input; 401, 403: access
/// denied); 429 is retried after its Retry-After a few times; a gateway that cannot be reached or fails (5xx) is named
/// by its address.
/// </summary>
internal sealed class GatewayClient : IDisposable
{
    /// <summary>Attempts of a request the rate limiter answers 429 (the first and three retries).</summary>
    public const int MaxAttempts = 4;

    private const string Api = "api/v1/";
    private const int MaxProblemChars = 16 * 1024;

    /// <summary>The longest Retry-After honoured; a longer one is waited this long.</summary>
    private static readonly TimeSpan LongestRetryWait = TimeSpan.FromMinutes(1);

    /// <summary>How long a call that is not a transfer may take (uploads, downloads and the event stream take what they take).</summary>
    private static readonly TimeSpan CallTimeout = TimeSpan.FromMinutes(5);

    private readonly HttpClient _http;

    public GatewayClient(GatewayEndpoint endpoint, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        BaseAddress = endpoint.BaseAddress;
        _http = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        _http.BaseAddress = endpoint.BaseAddress;
        _http.Timeout = Timeout.InfiniteTimeSpan;
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", endpoint.ApiKey);
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("sammpa", typeof(GatewayClient).Assembly.GetName().Version?.ToString(3)));
    }

    /// <summary>The gateway's JSON: web naming, enums by name.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public Uri BaseAddress { get; }

    /// <summary>Called before each retry of a 429 with how long it waits.</summary>
    public Action<string>? OnRetry { get; set; }

    public Task<DatasetView> GetDatasetAsync(string dataset, CancellationToken cancellationToken) =>
        CallAsync<DatasetView>(() => new HttpRequestMessage(HttpMethod.Get, DatasetPath(dataset)), $"read dataset '{dataset}'", cancellationToken);

    /// <summary>Creates a dataset from files on disk, streamed as one multipart body: the id and working size first, then the files.</summary>
    /// <param name="sent">Called with each file's name once it is written to the request.</param>
    public async Task<DatasetCreated> UploadAsync(string dataset, int workingSize, IReadOnlyList<UploadFile> files, Action<string>? sent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        using var response = await SendAsync(
            () =>
            {
                var body = new MultipartFormDataContent
                {
                    { new StringContent(dataset), "id" },
                    { new StringContent(workingSize.ToString(System.Globalization.CultureInfo.InvariantCulture)), "workingSize" },
                };
                foreach (var file in files)
                {
                    body.Add(new FileUploadContent(file.Path, sent is null ? null : () => sent(file.Name)), file.Field, file.Name);
                }

                return new HttpRequestMessage(HttpMethod.Post, Api + "datasets") { Content = body };
            },
            $"upload dataset '{dataset}'",
            HttpCompletionOption.ResponseContentRead,
            cancellationToken);
        return await ReadAsync<DatasetCreated>(response, $"upload dataset '{dataset}'", cancellationToken);
    }

    public Task<DatasetCreated> CreateFromPrefixAsync(CreateFromPrefixRequest request, CancellationToken cancellationToken) =>
        CallAsync<DatasetCreated>(
            () => new HttpRequestMessage(HttpMethod.Post, Api + "datasets") { Content = JsonContent.Create(request, options: Json) },
            $"create dataset '{request.Id}'",
            cancellationToken);

    public Task<DatasetView> SelectAsync(string dataset, SelectionRequest request, CancellationToken cancellationToken) =>
        CallAsync<DatasetView>(
            () => new HttpRequestMessage(HttpMethod.Post, DatasetPath(dataset) + "/selection") { Content = JsonContent.Create(request, options: Json) },
            $"select the supports of dataset '{dataset}'",
            cancellationToken);

    /// <summary>Puts one support's annotation (a PNG file, streamed); the answer is the dataset once it checked every support's.</summary>
    public Task<DatasetView> PutAnnotationAsync(string dataset, string support, string maskPath, CancellationToken cancellationToken) =>
        CallAsync<DatasetView>(
            () => new HttpRequestMessage(HttpMethod.Put, $"{DatasetPath(dataset)}/supports/{Uri.EscapeDataString(support)}/annotation") { Content = new FileUploadContent(maskPath) },
            $"annotate support {support} of dataset '{dataset}'",
            cancellationToken);

    public Task<DatasetView> RunAsync(string dataset, RunRequest request, CancellationToken cancellationToken) =>
        CallAsync<DatasetView>(
            () => new HttpRequestMessage(HttpMethod.Post, DatasetPath(dataset) + "/runs") { Content = JsonContent.Create(request, options: Json) },
            $"start a run of dataset '{dataset}'",
            cancellationToken);

    public Task<DatasetView> CancelAsync(string dataset, CancellationToken cancellationToken) =>
        CallAsync<DatasetView>(() => new HttpRequestMessage(HttpMethod.Post, DatasetPath(dataset) + "/cancel"), $"cancel dataset '{dataset}'", cancellationToken);

    /// <summary>Copies the ZIP of the dataset's last completed run into <paramref name="destination"/> as it arrives.</summary>
    public async Task DownloadRunAsync(string dataset, Stream destination, CancellationToken cancellationToken)
    {
        var what = $"download the results of dataset '{dataset}'";
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Get, DatasetPath(dataset) + "/download.zip"), what, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            await response.Content.CopyToAsync(destination, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(what, e);
        }
    }

    /// <summary>Opens the dataset's event stream (Server-Sent Events), after <paramref name="lastEventId"/> when resuming; the caller disposes the answer.</summary>
    public Task<HttpResponseMessage> OpenEventsAsync(string dataset, string? lastEventId, CancellationToken cancellationToken) =>
        SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Get, DatasetPath(dataset) + "/events");
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (lastEventId is not null)
                {
                    request.Headers.Add("Last-Event-ID", lastEventId);
                }

                return request;
            },
            $"read the events of dataset '{dataset}'",
            HttpCompletionOption.ResponseHeadersRead,
            cancellationToken);

    public void Dispose() => _http.Dispose();

    private static string DatasetPath(string dataset) => $"{Api}datasets/{Uri.EscapeDataString(dataset)}";

    private async Task<T> CallAsync<T>(Func<HttpRequestMessage> request, string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            using var response = await SendAsync(request, what, HttpCompletionOption.ResponseContentRead, timeout.Token);
            return await ReadAsync<T>(response, what, timeout.Token);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new GatewayException($"The gateway at {BaseAddress} did not answer within {CallTimeout.TotalMinutes:F0} minutes when asked to {what}.", ExitCodes.InvalidInput, null, e);
        }
    }

    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> request, string what, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            HttpResponseMessage response;
            using (var message = request())
            {
                try
                {
                    response = await _http.SendAsync(message, completion, cancellationToken);
                }
                catch (HttpRequestException e)
                {
                    throw Unreachable(what, e);
                }
            }

            if (response.IsSuccessStatusCode)
            {
                return response;
            }

            using (response)
            {
                if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < MaxAttempts)
                {
                    var wait = RetryAfter(response, attempt);
                    OnRetry?.Invoke($"the gateway at {BaseAddress} is rate-limiting this key; retrying in {wait.TotalSeconds:F0} s (attempt {attempt + 1} of {MaxAttempts})");
                    await Task.Delay(wait, cancellationToken);
                    continue;
                }

                throw await RefusalAsync(response, what, cancellationToken);
            }
        }
    }

    private static TimeSpan RetryAfter(HttpResponseMessage response, int attempt)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : TimeSpan.FromSeconds(attempt));
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > LongestRetryWait ? LongestRetryWait : wait;
    }

    /// <summary>The refusal as the CLI reports it: the problem's detail, which names the item; for a failing gateway, its address too.</summary>
    private async Task<GatewayException> RefusalAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var status = response.StatusCode;
        var detail = await ProblemDetailAsync(response, cancellationToken);
        var code = (int)status;
        if (code >= 500)
        {
            return new GatewayException($"The gateway at {BaseAddress} failed to {what} ({code} {response.ReasonPhrase}){(detail is null ? string.Empty : $": {detail}")}", ExitCodes.InvalidInput, status);
        }

        var message = detail ?? $"the gateway at {BaseAddress} refused to {what} ({code} {response.ReasonPhrase})";
        return status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? new GatewayException(message, ExitCodes.AccessDenied, status)
            : new GatewayException(message, ExitCodes.InvalidInput, status);
    }

    /// <summary>The detail (else the title) of a problem answer; the start of the body when it is not one.</summary>
    private static async Task<string?> ProblemDetailAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = await response.Content.ReadAsStringAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return null;
        }

        if (response.Content.Headers.ContentType?.MediaType is { } type && type.EndsWith("json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var problem = JsonDocument.Parse(body);
                foreach (var field in new[] { "detail", "title" })
                {
                    if (problem.RootElement.ValueKind == JsonValueKind.Object
                        && problem.RootElement.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String
                        && !string.IsNullOrWhiteSpace(value.GetString()))
                    {
                        return value.GetString();
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON after all: the text itself says what it can.
            }
        }

        body = body.Trim();
        return body.Length == 0 ? null : body.Length <= MaxProblemChars ? body : body[..MaxProblemChars];
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new InvalidDataException($"The gateway at {BaseAddress} answered '{what}' with an empty body.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The gateway at {BaseAddress} answered '{what}' with JSON the CLI cannot read: {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw Unreachable(what, e);
        }
    }

    /// <summary>No answer: the message names the gateway, and the innermost cause too (a refused connection, a file that changed while it was sent).</summary>
    private GatewayException Unreachable(string what, Exception e)
    {
        var cause = e.GetBaseException().Message;
        var reason = cause == e.Message ? e.Message : $"{e.Message} ({cause})";
        return new GatewayException($"Cannot reach the gateway at {BaseAddress} to {what}: {reason}", ExitCodes.InvalidInput, null, e);
    }
}
