using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using SamMpa.Client.Commands;
using SamMpa.Client.Gateway;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Gateway;

namespace SamMpa.Tests.Client;

/// <summary>
/// The `sammpa` commands through the HTTP gateway (<c>--gateway URL --api-key K</c>), run in this process against the
/// gateway on a real loopback port in front of the in-process cluster: the whole lifecycle from a folder to downloaded
/// results, and the errors a remote user meets (a wrong key, an unknown dataset, an option that needs the cluster).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayCommandTests(GatewayFixture gateway) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-cligw-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_folder_goes_from_ingest_to_downloaded_results_through_the_gateway()
    {
        var (site, address) = gateway.StartOnLoopback();
        await using var _ = site;
        var key = await gateway.KeyForAsync("cli-gateway-owner");
        using var phantoms = new PhantomDataset(PipelineFlow.ImageCount);
        var dataset = PipelineFlow.NewDatasetId();
        string[] through = ["--gateway", address.AbsoluteUri, "--api-key", key];

        var ingest = await InvokeAsync(["ingest", "--dataset", dataset, "--images", phantoms.ImagesDirectory, "--masks", phantoms.MasksDirectory, "--working-size", "64", .. through]);
        Assert.True(ingest.Exit == ExitCodes.Success, ingest.Text);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(phantoms.MasksDirectory, PhantomDataset.Name(0))),
            await gateway.Cluster.Blobs.ReadAsync(DatasetBlobLayout.Truth(dataset, PhantomDataset.Name(0)), default));

        var select = await InvokeAsync(["select", "--dataset", dataset, "--shots", PipelineFlow.K.ToString(System.Globalization.CultureInfo.InvariantCulture), .. through]);
        Assert.True(select.Exit == ExitCodes.Success, select.Text);
        var supports = select.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var grain = gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset);
        Assert.Equal((await grain.GetStatusAsync()).Supports, supports);

        var annotate = await InvokeAsync(["annotate", "--dataset", dataset, "--masks", phantoms.MasksDirectory, .. through]);
        Assert.True(annotate.Exit == ExitCodes.Success, annotate.Text);
        Assert.Equal(DatasetPhase.Annotated, (await grain.GetStatusAsync()).Phase);
        Assert.Equal(
            await File.ReadAllBytesAsync(Path.Combine(phantoms.MasksDirectory, supports[0])),
            await gateway.Cluster.Blobs.ReadAsync(DatasetBlobLayout.Annotation(dataset, supports[0]), default));

        // run follows the run (by the status) until it ends.
        var run = await InvokeAsync(["run", "--dataset", dataset, "--stages", "mp", .. through]);
        Assert.True(run.Exit == ExitCodes.Success, run.Text);
        var completed = await grain.GetStatusAsync();
        Assert.Equal(DatasetPhase.Completed, completed.Phase);

        // watch reads the event stream and stops at the completion of the dataset's run.
        var watch = await InvokeAsync(["watch", "--dataset", dataset, .. through]);
        Assert.True(watch.Exit == ExitCodes.Success, watch.Text);
        var events = watch.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(PipelineFlow.ImageCount - PipelineFlow.K, events.Count(e => e.GetProperty("type").GetString() == "image_segmented"));
        Assert.Equal("dataset_completed", events[^1].GetProperty("type").GetString());
        Assert.Equal(completed.RunId, events[^1].GetProperty("run_id").GetString());
        Assert.Equal(events.Count, events.Select(e => e.GetProperty("event_id").GetString()).Distinct().Count());

        var output = Path.Combine(_root, "results");
        var download = await InvokeAsync(["download", "--dataset", dataset, "--out", output, "--coarse", .. through]);
        Assert.True(download.Exit == ExitCodes.Success, download.Text);

        // Every file equals what the gateway serves in the run's ZIP, and nothing else is there.
        using var http = new HttpClient { BaseAddress = address };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var zip = new ZipArchive(new MemoryStream(await http.GetByteArrayAsync($"/api/v1/datasets/{dataset}/download.zip")));
        var served = zip.Entries.ToDictionary(e => e.FullName, Content, StringComparer.Ordinal);
        var written = Directory.EnumerateFiles(output, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(output, f).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes, StringComparer.Ordinal);
        Assert.Equal(served.Keys.Order(StringComparer.Ordinal), written.Keys.Order(StringComparer.Ordinal));
        Assert.All(served, entry => Assert.True(entry.Value.AsSpan().SequenceEqual(written[entry.Key]), $"{entry.Key} differs from the gateway's"));
        Assert.Equal(PipelineFlow.ImageCount - PipelineFlow.K, written.Keys.Count(k => k.StartsWith("masks/", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_wrong_key_exits_with_access_denied_and_the_gateways_reason()
    {
        var (site, address) = gateway.StartOnLoopback();
        await using var _ = site;
        var dataset = await gateway.SelectedDatasetAsync();

        var status = await InvokeAsync(["status", "--dataset", dataset, "--gateway", address.AbsoluteUri, "--api-key", "smk_this-key-was-never-created"]);

        Assert.Equal(ExitCodes.AccessDenied, status.Exit);
        Assert.Contains("access denied:", status.Error, StringComparison.Ordinal);
        Assert.Contains("unknown or revoked", status.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("smk_this-key-was-never-created", status.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_dataset_exits_with_invalid_input_naming_it()
    {
        var (site, address) = gateway.StartOnLoopback();
        await using var _ = site;

        var status = await InvokeAsync(["status", "--dataset", "no-such-dataset-for-the-cli", "--gateway", address.AbsoluteUri, "--api-key", GatewayKeys.Admin]);

        Assert.Equal(ExitCodes.InvalidInput, status.Exit);
        Assert.Contains("no-such-dataset-for-the-cli", status.Error, StringComparison.Ordinal);
    }

    [Dicom.DicomToolsFact]
    public async Task Ingest_through_the_gateway_names_each_dicom_file_not_imported_and_exits_3()
    {
        var (site, address) = gateway.StartOnLoopback();
        await using var _ = site;
        var key = await gateway.KeyForAsync("cli-gateway-dicom");
        using var phantoms = new PhantomDataset(2);
        var folder = Directory.CreateDirectory(Path.Combine(_root, "with-dicom")).FullName;
        foreach (var image in Directory.GetFiles(phantoms.ImagesDirectory))
        {
            File.Copy(image, Path.Combine(folder, Path.GetFileName(image)));
        }

        await File.WriteAllBytesAsync(Path.Combine(folder, "broken.dcm"), [1, 2, 3]);
        var dataset = PipelineFlow.NewDatasetId();

        var ingest = await InvokeAsync(["ingest", "--dataset", dataset, "--images", folder, "--working-size", "64", "--no-wait", "--gateway", address.AbsoluteUri, "--api-key", key]);

        Assert.True(ingest.Exit == ExitCodes.SomeImagesFailed, $"expected exit {ExitCodes.SomeImagesFailed} (some images failed): {ingest.Text}");
        Assert.Contains("1 files not ingested:", ingest.Error, StringComparison.Ordinal);
        Assert.Contains("  broken.dcm: ", ingest.Error, StringComparison.Ordinal);
        Assert.Equal(2, (await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync()).Images);
    }

    [Theory]
    [InlineData("annotate", "--from-truth")]
    [InlineData("ingest", "--new-version")]
    public async Task An_option_that_needs_the_cluster_is_refused_with_gateway_naming_it(string command, string option)
    {
        // Refused before anything is sent: nothing listens at this address.
        var nowhere = $"http://127.0.0.1:{Infrastructure.FreePorts.Take(1)[0]}/";
        string[] args = command == "ingest"
            ? ["ingest", "--dataset", "refused", "--images", _root, option, "--gateway", nowhere, "--api-key", "k"]
            : ["annotate", "--dataset", "refused", option, "--gateway", nowhere, "--api-key", "k"];

        var refused = await InvokeAsync(args);

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains(option, refused.Error, StringComparison.Ordinal);
        Assert.Contains("--gateway", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Grant_refuses_gateway_naming_the_command()
    {
        var refused = await InvokeAsync(["grant", "--dataset", "d1", "--principal", "someone", "--role", "viewer", "--gateway", "http://127.0.0.1:1/"]);

        Assert.Equal(ExitCodes.InvalidInput, refused.Exit);
        Assert.Contains("sammpa grant", refused.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_that_cannot_be_reached_is_named_by_its_address()
    {
        var nowhere = $"http://127.0.0.1:{Infrastructure.FreePorts.Take(1)[0]}/";

        var status = await InvokeAsync(["status", "--dataset", "d1", "--gateway", nowhere, "--api-key", "smk_secret-not-to-be-shown"]);

        Assert.Equal(ExitCodes.InvalidInput, status.Exit);
        Assert.Contains($"Cannot reach the gateway at {nowhere}", status.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("smk_secret-not-to-be-shown", status.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_gateway_and_its_key_come_from_the_settings_file_too()
    {
        var nowhere = $"http://127.0.0.1:{Infrastructure.FreePorts.Take(1)[0]}/";
        var settings = Path.Combine(_root, "sammpa.json");
        await File.WriteAllTextAsync(settings, JsonSerializer.Serialize(new { Gateway = new { Url = nowhere, ApiKey = "smk_from-the-settings" } }));

        var status = await InvokeAsync(["status", "--dataset", "d1", "--settings", settings]);

        Assert.Equal(ExitCodes.InvalidInput, status.Exit);
        Assert.Contains($"Cannot reach the gateway at {nowhere}", status.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("smk_from-the-settings", status.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_without_a_key_is_access_denied_before_any_request()
    {
        var status = await InvokeAsync(["status", "--dataset", "d1", "--gateway", "http://127.0.0.1:1/"]);

        Assert.Equal(ExitCodes.AccessDenied, status.Exit);
        Assert.Contains("--api-key", status.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dropped_event_stream_is_resumed_with_last_event_id_and_a_replayed_event_is_not_handed_on_twice()
    {
        var (site, address) = gateway.StartOnLoopback();
        await using var _ = site;
        var dataset = await gateway.SelectedDatasetAsync();
        // The first connection is cut after its first event; the second one's Last-Event-ID is noted, then dropped so the
        // gateway replays from the start: the stream must still hand each event on once.
        using var dropping = new DroppingEventsHandler();
        using var client = new GatewayClient(new GatewayEndpoint(address, GatewayKeys.Admin), dropping);
        using var patience = new CancellationTokenSource(PipelineFlow.Patience);
        var reconnects = new List<string>();
        var received = new List<SamMpa.Grains.Events.CompletionEvent>();

        await using (var events = GatewayEventStream.ReadAsync(client, dataset, reconnects.Add, patience.Token).GetAsyncEnumerator(patience.Token))
        {
            Assert.True(await events.MoveNextAsync());
            received.Add(events.Current);
            var next = events.MoveNextAsync().AsTask();
            // The replayed event is dropped as a repeat; nothing newer comes, so the stream waits.
            var resumedWith = await dropping.Resumed.Task.WaitAsync(patience.Token);
            Assert.Equal(received[0].EventId, resumedWith);
            await dropping.Replayed.Task.WaitAsync(patience.Token);
            Assert.False(next.IsCompleted);
            await patience.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
        }

        Assert.IsType<SamMpa.Grains.Events.SupportsSelected>(Assert.Single(received));
        Assert.Contains($"resuming after {received[0].EventId}", Assert.Single(reconnects), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_request_is_retried_after_retry_after_and_refusals_carry_the_problems_detail()
    {
        // A scripted gateway: the answers come in this order, whatever the request.
        var status = JsonSerializer.Serialize(new { status = new { dataset = "d1", phase = "Embedded" }, progress = (double?)null });
        using var scripted = new ScriptedHandler(
            Answer(HttpStatusCode.TooManyRequests, Problem(429, "Key of 'x' made too many requests"), retryAfter: TimeSpan.Zero),
            Answer(HttpStatusCode.OK, status, "application/json"),
            Answer(HttpStatusCode.Conflict, Problem(409, "Dataset 'd1' is embedding; select once every image is embedded.")),
            Answer(HttpStatusCode.ServiceUnavailable, Problem(503, "No silo with role gpu.")),
            Answer(HttpStatusCode.Forbidden, Problem(403, "bob may not annotate dataset 'd1'.")));
        using var client = new GatewayClient(new GatewayEndpoint(new Uri("http://gateway.test/"), "smk_scripted"), scripted);
        var retries = new List<string>();
        client.OnRetry = retries.Add;

        Assert.Equal(DatasetPhase.Embedded, (await client.GetDatasetAsync("d1", default)).Status.Phase);
        Assert.Contains("rate-limiting", Assert.Single(retries), StringComparison.Ordinal);

        var conflict = await Assert.ThrowsAsync<GatewayException>(() => client.SelectAsync("d1", new SelectionRequest(2, false, 1, 1, 0), default));
        Assert.Equal((ExitCodes.InvalidInput, "Dataset 'd1' is embedding; select once every image is embedded."), (conflict.ExitCode, conflict.Message));

        var unavailable = await Assert.ThrowsAsync<GatewayException>(() => client.GetDatasetAsync("d1", default));
        Assert.Equal(ExitCodes.InvalidInput, unavailable.ExitCode);
        Assert.Contains("http://gateway.test/", unavailable.Message, StringComparison.Ordinal);
        Assert.Contains("No silo with role gpu.", unavailable.Message, StringComparison.Ordinal);

        var denied = await Assert.ThrowsAsync<GatewayException>(() => client.CancelAsync("d1", default));
        Assert.Equal((ExitCodes.AccessDenied, true), (denied.ExitCode, denied.AccessDenied));
        Assert.All(scripted.Requests, r => Assert.Equal("Bearer smk_scripted", r));
    }

    [Fact]
    public async Task A_request_still_rate_limited_after_its_retries_is_refused_with_the_detail()
    {
        var answers = Enumerable.Range(0, GatewayClient.MaxAttempts)
            .Select(_ => Answer(HttpStatusCode.TooManyRequests, Problem(429, "Key of 'x' made too many requests"), retryAfter: TimeSpan.Zero))
            .ToArray();
        using var scripted = new ScriptedHandler(answers);
        using var client = new GatewayClient(new GatewayEndpoint(new Uri("http://gateway.test/"), "smk_scripted"), scripted);

        var refused = await Assert.ThrowsAsync<GatewayException>(() => client.GetDatasetAsync("d1", default));

        Assert.Equal(ExitCodes.InvalidInput, refused.ExitCode);
        Assert.Contains("too many requests", refused.Message, StringComparison.Ordinal);
        Assert.Equal(GatewayClient.MaxAttempts, scripted.Requests.Count);
    }

    private static string Problem(int status, string detail) =>
        JsonSerializer.Serialize(new { type = "about:blank", title = "Refused", status, detail });

    private static Func<HttpResponseMessage> Answer(HttpStatusCode status, string body, string mediaType = "application/problem+json", TimeSpan? retryAfter = null) => () =>
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, System.Text.Encoding.UTF8, mediaType) };
        if (retryAfter is { } wait)
        {
            response.Headers.RetryAfter = new RetryConditionHeaderValue(wait);
        }

        return response;
    };

    private static byte[] Content(ZipArchiveEntry entry)
    {
        using var stream = entry.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    private static Task<CommandInvocation> InvokeAsync(string[] args) => CommandInvocation.RunAsync(args);

    /// <summary>
    /// Cuts the first event stream after its first event (an IOException, as a dropped connection gives), and on the
    /// second notes the Last-Event-ID it resumes with, then removes it so the gateway replays the log from the start.
    /// </summary>
    private sealed class DroppingEventsHandler() : DelegatingHandler(new SocketsHttpHandler())
    {
        private int _connections;

        public TaskCompletionSource<string?> Resumed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Set once the replaying connection has sent its first event.</summary>
        public TaskCompletionSource Replayed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var connection = Interlocked.Increment(ref _connections);
            if (connection == 2)
            {
                Resumed.TrySetResult(request.Headers.TryGetValues("Last-Event-ID", out var ids) ? ids.Single() : null);
                request.Headers.Remove("Last-Event-ID");
            }

            var response = await base.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var content = new StreamContent(new EventCountingStream(body, connection == 1, connection == 2 ? Replayed : null));
            foreach (var header in response.Content.Headers)
            {
                content.Headers.TryAddWithoutValidation(header.Key, header.Value);
            }

            response.Content = content;
            return response;
        }
    }

    /// <summary>Passes an event stream through, counting events (blank lines); cut after the first one, or signalling it.</summary>
    private sealed class EventCountingStream(Stream inner, bool cutAfterFirst, TaskCompletionSource? firstSeen) : Stream
    {
        private bool _cut;
        private byte _last;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_cut)
            {
                throw new IOException("The test cut the connection after the first event.");
            }

            var read = await inner.ReadAsync(buffer, cancellationToken);
            for (var i = 0; i < read; i++)
            {
                var current = buffer.Span[i];
                if (current == (byte)'\n' && _last == (byte)'\n')
                {
                    firstSeen?.TrySetResult();
                    if (cutAfterFirst)
                    {
                        _cut = true;
                        return i + 1;
                    }
                }

                _last = current;
            }

            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>Answers each request with the next scripted answer, noting its Authorization header.</summary>
    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<string> Requests { get; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Add(request.Headers.Authorization?.ToString() ?? string.Empty);
            return Task.FromResult(answers[_next++]());
        }
    }
}
