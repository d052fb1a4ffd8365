using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using SamMpa.Hosting;
using SamMpa.Hosting.Health;
using SamMpa.Storage;

namespace SamMpa.Tests.Hosting;

public sealed class HealthEndpointTests
{
    /// <summary>A blob store whose only working call is <see cref="ExistsAsync"/>, answered by <paramref name="exists"/>.</summary>
    private sealed class ProbeStore(Func<string, CancellationToken, Task<bool>> exists) : IBlobStore
    {
        public List<string> Asked { get; } = [];

        public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
        {
            lock (Asked)
            {
                Asked.Add(name);
            }

            return exists(name, cancellationToken);
        }

        public Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static ProbeStore Answering() => new((_, _) => Task.FromResult(false));

    [Fact]
    public async Task An_active_silo_with_answering_storage_is_ready()
    {
        var store = Answering();
        var report = await new ReadinessCheck(() => SiloStatus.Active, store).CheckAsync(CancellationToken.None);

        Assert.True(report.Ready);
        Assert.Equal("Active", report.Silo);
        Assert.Equal(ReadinessReport.StorageOk, report.Storage);
        Assert.Null(report.Reason);
        Assert.Equal([ReadinessCheck.ProbeBlobName], store.Asked);
    }

    [Theory]
    [InlineData(SiloStatus.Created)]
    [InlineData(SiloStatus.Joining)]
    [InlineData(SiloStatus.ShuttingDown)]
    [InlineData(SiloStatus.Stopping)]
    [InlineData(SiloStatus.Dead)]
    public async Task A_silo_that_is_not_active_is_not_ready(SiloStatus status)
    {
        var report = await new ReadinessCheck(() => status, Answering()).CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.Equal(status.ToString(), report.Silo);
        Assert.Equal(ReadinessReport.StorageOk, report.Storage);
        Assert.Contains($"the silo is {status}", report.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("storage", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_storage_is_not_ready_and_says_why()
    {
        var store = new ProbeStore((_, _) => Task.FromException<bool>(new IOException("connection refused by 10.0.0.7")));
        var report = await new ReadinessCheck(() => SiloStatus.Active, store).CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.Equal("Active", report.Silo);
        Assert.Equal(ReadinessReport.StorageUnreachable, report.Storage);
        Assert.Equal("storage: IOException: connection refused by 10.0.0.7", report.Reason);
    }

    [Fact]
    public async Task Storage_that_does_not_answer_in_time_is_not_ready_without_waiting_for_it()
    {
        // Ignores its token and never completes: the check must still come back, after its timeout.
        var never = new TaskCompletionSource<bool>();
        var store = new ProbeStore((_, _) => never.Task);
        var check = new ReadinessCheck(() => SiloStatus.Active, store, TimeSpan.FromMilliseconds(100));

        var report = await check.CheckAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.False(report.Ready);
        Assert.Equal(ReadinessReport.StorageUnreachable, report.Storage);
        Assert.Equal("storage: no answer within 0.1 s", report.Reason);
    }

    [Fact]
    public async Task Both_reasons_are_given_when_both_fail()
    {
        var store = new ProbeStore((_, _) => Task.FromException<bool>(new InvalidOperationException("no account")));
        var report = await new ReadinessCheck(() => SiloStatus.Joining, store).CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.Equal("the silo is Joining in the cluster membership, not Active; storage: InvalidOperationException: no account", report.Reason);
    }

    [Fact]
    public async Task The_probe_is_a_valid_blob_name_for_the_local_store()
    {
        var root = Directory.CreateTempSubdirectory("sammpa-health-").FullName;
        try
        {
            BlobName.Segments(ReadinessCheck.ProbeBlobName);
            var report = await new ReadinessCheck(() => SiloStatus.Active, new LocalFolderBlobStore(root)).CheckAsync(CancellationToken.None);

            Assert.True(report.Ready, report.Reason);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public async Task The_endpoint_answers_live_and_ready_from_the_check()
    {
        var status = SiloStatus.Joining;
        var port = FreePort();
        using var endpoint = new HealthEndpoint(port, new ReadinessCheck(() => status, Answering()));
        await endpoint.StartAsync(CancellationToken.None);
        try
        {
            using var http = Client();
            var live = await GetAsync(http, port, HealthEndpoint.LivePath);
            Assert.Equal(HttpStatusCode.OK, live.Status);
            Assert.Equal("live", live.Json.GetProperty("status").GetString());

            var joining = await GetAsync(http, port, HealthEndpoint.ReadyPath);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, joining.Status);
            Assert.Equal("not ready", joining.Json.GetProperty("status").GetString());
            Assert.Equal("Joining", joining.Json.GetProperty("silo").GetString());
            Assert.Contains("Joining", joining.Json.GetProperty("reason").GetString(), StringComparison.Ordinal);

            status = SiloStatus.Active;
            var ready = await GetAsync(http, port, HealthEndpoint.ReadyPath);
            Assert.Equal(HttpStatusCode.OK, ready.Status);
            Assert.Equal("ready", ready.Json.GetProperty("status").GetString());
            Assert.Equal("ok", ready.Json.GetProperty("storage").GetString());
            Assert.False(ready.Json.TryGetProperty("reason", out _));

            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, port, "/health")).Status);
            using var post = await http.PostAsync(new Uri($"http://127.0.0.1:{port}{HealthEndpoint.LivePath}"), content: null);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
        }
        finally
        {
            await endpoint.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void Port_zero_adds_no_endpoint()
    {
        var services = new ServiceCollection().AddSamMpaHealth(0);

        Assert.DoesNotContain(services, d => d.ServiceType == typeof(IHostedService));
        Assert.Equal(8080, new ClusterSettings().HealthPort);
    }

    [Fact]
    public async Task A_silo_host_serves_live_and_becomes_ready_once_joined()
    {
        var root = Directory.CreateTempSubdirectory("sammpa-health-silo-").FullName;
        var (siloPort, gatewayPort, metricsPort, healthPort) = (FreePort(), FreePort(), FreePort(), FreePort());
        // No defaults: environment variables (say Storage__Provider=azure from a shell) must not reach this silo.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // gpu: no elastix check at start (cpu silos require elastix on PATH).
            ["Orleans:Metadata:role"] = "gpu",
            ["Orleans:ClusterId"] = $"health-{Guid.NewGuid():N}",
            ["Orleans:SiloPort"] = $"{siloPort}",
            ["Orleans:PrimarySiloPort"] = $"{siloPort}",
            ["Orleans:GatewayPort"] = $"{gatewayPort}",
            ["Orleans:MetricsPort"] = $"{metricsPort}",
            ["Orleans:HealthPort"] = $"{healthPort}",
            ["Storage:Provider"] = "local",
            ["Storage:LocalRoot"] = root,
        });
        builder.AddSamMpaSilo();
        using var host = builder.Build();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await host.StartAsync(deadline.Token);
            using var http = Client();

            var live = await GetAsync(http, healthPort, HealthEndpoint.LivePath, deadline.Token);
            Assert.Equal(HttpStatusCode.OK, live.Status);

            var ready = await PollUntilReadyAsync(http, healthPort, deadline.Token);
            Assert.Equal("ready", ready.Json.GetProperty("status").GetString());
            Assert.Equal("Active", ready.Json.GetProperty("silo").GetString());
            Assert.Equal("ok", ready.Json.GetProperty("storage").GetString());
        }
        finally
        {
            await host.StopAsync(CancellationToken.None);
            Directory.Delete(root, recursive: true);
        }
    }

    private sealed record Answer(HttpStatusCode Status, JsonElement Json);

    private static HttpClient Client() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    private static async Task<Answer> GetAsync(HttpClient http, int port, string path, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"), cancellationToken);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Answer(response.StatusCode, JsonDocument.Parse(body).RootElement.Clone());
    }

    /// <summary>GETs /health/ready until it answers 200; bounded by attempts and the deadline.</summary>
    private static async Task<Answer> PollUntilReadyAsync(HttpClient http, int port, CancellationToken deadline)
    {
        var last = "(no answer)";
        for (var attempt = 0; attempt < 200 && !deadline.IsCancellationRequested; attempt++)
        {
            var answer = await GetAsync(http, port, HealthEndpoint.ReadyPath, deadline);
            if (answer.Status == HttpStatusCode.OK)
            {
                return answer;
            }

            last = $"{(int)answer.Status}: {answer.Json}";
            await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Min(attempt + 1, 10)), deadline);
        }

        Assert.Fail($"{HealthEndpoint.ReadyPath} never answered 200; last: {last}");
        return null!;
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
