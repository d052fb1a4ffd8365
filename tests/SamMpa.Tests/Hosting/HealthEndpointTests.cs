using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orleans.Runtime;
using SamMpa.Grains.Images;
using SamMpa.Grains.Telemetry;
using SamMpa.Hosting;
using SamMpa.Hosting.Health;
using SamMpa.Hosting.Telemetry;
using SamMpa.Storage;
using SamMpa.Tests.Infrastructure;
using static SamMpa.Tests.Hosting.SiloWebHosts;

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

        public Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<byte[]?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken) => throw new NotSupportedException();

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
        Assert.Equal($"{(status is SiloStatus.Created or SiloStatus.Joining ? "not active yet" : "not active")}: the silo is {status} in the cluster membership", report.Reason);
        Assert.DoesNotContain("storage", report.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failing_storage_is_not_ready_and_keeps_what_it_threw_out_of_the_reason()
    {
        var failure = new IOException("connection refused by 10.0.0.7");
        var store = new ProbeStore((_, _) => Task.FromException<bool>(failure));
        var report = await new ReadinessCheck(() => SiloStatus.Active, store).CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.Equal("Active", report.Silo);
        Assert.Equal(ReadinessReport.StorageUnreachable, report.Storage);
        Assert.Equal("storage unreachable", report.Reason);
        Assert.Same(failure, report.StorageFailure);
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
        Assert.Equal("storage unreachable: no answer within 0.1 s", report.Reason);
    }

    [Fact]
    public async Task Both_reasons_are_given_when_both_fail()
    {
        var store = new ProbeStore((_, _) => Task.FromException<bool>(new InvalidOperationException("no account")));
        var report = await new ReadinessCheck(() => SiloStatus.Joining, store).CheckAsync(CancellationToken.None);

        Assert.False(report.Ready);
        Assert.Equal("not active yet: the silo is Joining in the cluster membership; storage unreachable", report.Reason);
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
    public async Task The_health_check_is_healthy_when_ready_and_unhealthy_with_the_reason_otherwise()
    {
        var status = SiloStatus.Joining;
        var check = new ReadinessHealthCheck(new ReadinessCheck(() => status, Answering()));

        var joining = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Unhealthy, joining.Status);
        Assert.Equal("Joining", joining.Data[ReadinessHealthCheck.SiloKey]);
        Assert.Equal(ReadinessReport.StorageOk, joining.Data[ReadinessHealthCheck.StorageKey]);
        Assert.StartsWith("not active yet", (string)joining.Data[ReadinessHealthCheck.ReasonKey], StringComparison.Ordinal);

        status = SiloStatus.Active;
        var active = await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(HealthStatus.Healthy, active.Status);
        Assert.False(active.Data.ContainsKey(ReadinessHealthCheck.ReasonKey));
    }

    [Fact]
    public async Task Each_endpoint_answers_on_its_own_port_over_http()
    {
        var status = SiloStatus.Joining;
        Exception? storageFailure = null;
        var store = new ProbeStore((_, _) => storageFailure is null ? Task.FromResult(false) : Task.FromException<bool>(storageFailure));
        var (healthPort, metricsPort) = Ports();
        var builder = Builder(new Dictionary<string, string?>
        {
            ["Orleans:HealthPort"] = $"{healthPort}",
            ["Orleans:MetricsPort"] = $"{metricsPort}",
            ["Storage:Provider"] = "local",
        });
        // The check a silo host would build from its membership oracle and blob store, here driven by the test.
        builder.Services.AddSingleton(new ReadinessHealthCheck(new ReadinessCheck(() => status, store)));
        await using var app = await StartWithEndpointsAsync(builder);
        try
        {
            using var http = HttpClient();
            var live = await GetAsync(http, healthPort, HealthEndpoints.LivePath);
            Assert.Equal(HttpStatusCode.OK, live.Status);
            Assert.Equal("application/json", live.MediaType);
            Assert.Equal("live", live.Json.GetProperty("status").GetString());

            var joining = await GetAsync(http, healthPort, HealthEndpoints.ReadyPath);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, joining.Status);
            Assert.Equal("not ready", joining.Json.GetProperty("status").GetString());
            Assert.Equal("Joining", joining.Json.GetProperty("silo").GetString());
            Assert.StartsWith("not active yet", joining.Json.GetProperty("reason").GetString(), StringComparison.Ordinal);

            status = SiloStatus.Active;
            var ready = await GetAsync(http, healthPort, HealthEndpoints.ReadyPath);
            Assert.Equal(HttpStatusCode.OK, ready.Status);
            Assert.Equal("ready", ready.Json.GetProperty("status").GetString());
            Assert.Equal("ok", ready.Json.GetProperty("storage").GetString());
            Assert.False(ready.Json.TryGetProperty("reason", out _));

            storageFailure = new InvalidOperationException("Server failed to authenticate at https://secretaccount.blob.core.windows.net/sammpa");
            var unreachable = await GetAsync(http, healthPort, HealthEndpoints.ReadyPath);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, unreachable.Status);
            Assert.Equal("unreachable", unreachable.Json.GetProperty("storage").GetString());
            Assert.Equal("storage unreachable", unreachable.Json.GetProperty("reason").GetString());
            Assert.DoesNotContain("secretaccount", unreachable.Body, StringComparison.Ordinal);

            using var head = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, new Uri($"http://127.0.0.1:{healthPort}{HealthEndpoints.LivePath}")));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, (await SendAsync(http, HttpMethod.Post, healthPort, HealthEndpoints.LivePath)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, healthPort, "/health")).Status);
            // Each path on its own port only.
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, healthPort, MetricsExtensions.MetricsPath)).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(http, metricsPort, HealthEndpoints.LivePath)).Status);

            app.Services.GetRequiredService<SamMpaMetrics>().ImageProcessed(StageNames.Embed, 0.5, ok: true);
            var metrics = await GetAsync(http, metricsPort, MetricsExtensions.MetricsPath);
            Assert.Equal(HttpStatusCode.OK, metrics.Status);
            Assert.Contains("sammpa_images_processed_total{", metrics.Body, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task One_port_for_both_serves_both()
    {
        var port = FreePorts.Take(1)[0];
        var builder = Builder(new Dictionary<string, string?>
        {
            ["Orleans:HealthPort"] = $"{port}",
            ["Orleans:MetricsPort"] = $"{port}",
        });
        builder.Services.AddSingleton(new ReadinessHealthCheck(new ReadinessCheck(() => SiloStatus.Active, Answering())));
        await using var app = await StartWithEndpointsAsync(builder);
        try
        {
            using var http = HttpClient();
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, port, HealthEndpoints.ReadyPath)).Status);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(http, port, MetricsExtensions.MetricsPath)).Status);
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Fact]
    public async Task Ports_zero_switch_the_endpoints_off_and_nothing_listens()
    {
        var builder = Builder(new Dictionary<string, string?>
        {
            ["Orleans:HealthPort"] = "0",
            ["Orleans:MetricsPort"] = "0",
        });
        await using var app = await StartWithEndpointsAsync(builder);
        await app.StopAsync();

        Assert.IsType<NoHttpServer>(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>());
        Assert.Empty(app.Services.GetServices<ReadinessHealthCheck>());
        Assert.Equal((8080, 9464), (new ClusterSettings().HealthPort, new ClusterSettings().MetricsPort));
    }

    /// <summary>
    /// The silo process's composition end to end: Kestrel answers while the silo cannot start yet (its storage check
    /// held back by the test), "live" but not "ready"; once storage answers the silo joins and becomes ready, and the
    /// metrics port serves the cluster's and Orleans' meters.
    /// </summary>
    [Fact]
    public async Task A_silo_host_serves_live_while_it_joins_and_becomes_ready_once_joined()
    {
        var root = Directory.CreateTempSubdirectory("sammpa-health-silo-").FullName;
        var ports = FreePorts.Take(4);
        var (siloPort, gatewayPort, metricsPort, healthPort) = (ports[0], ports[1], ports[2], ports[3]);
        var builder = Builder(new Dictionary<string, string?>
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
            ["Storage:StartupTimeout"] = "00:05:00",
        });
        builder.AddSamMpaHttpEndpoints();
        builder.AddSamMpaSilo();
        // The silo's start begins with a storage check (StorageStartupCheck): storage answers nobody until the test says so.
        var storageAnswers = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var local = new LocalFolderBlobStore(root);
        builder.Services.AddSingleton<IBlobStore>(new ProbeStore(async (name, token) =>
        {
            await storageAnswers.Task.WaitAsync(token);
            return await local.ExistsAsync(name, token);
        }));
        await using var app = builder.Build();
        app.MapSamMpaHttpEndpoints();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var starting = app.StartAsync(deadline.Token);
        try
        {
            using var http = HttpClient();
            var live = await PollAsync(http, healthPort, HealthEndpoints.LivePath, HttpStatusCode.OK, deadline.Token);
            Assert.Equal("live", live.Json.GetProperty("status").GetString());

            var joining = await GetAsync(http, healthPort, HealthEndpoints.ReadyPath, deadline.Token);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, joining.Status);
            Assert.Equal("Created", joining.Json.GetProperty("silo").GetString());
            Assert.Equal(
                "not active yet: the silo is Created in the cluster membership; storage unreachable: no answer within 2 s",
                joining.Json.GetProperty("reason").GetString());
            Assert.False(starting.IsCompleted);

            storageAnswers.SetResult();
            await starting;
            var ready = await PollAsync(http, healthPort, HealthEndpoints.ReadyPath, HttpStatusCode.OK, deadline.Token);
            Assert.Equal("ready", ready.Json.GetProperty("status").GetString());
            Assert.Equal("Active", ready.Json.GetProperty("silo").GetString());
            Assert.Equal("ok", ready.Json.GetProperty("storage").GetString());

            app.Services.GetRequiredService<SamMpaMetrics>().InFlight(StageNames.Register, +1);
            var metrics = await GetAsync(http, metricsPort, MetricsExtensions.MetricsPath, deadline.Token);
            Assert.Equal(HttpStatusCode.OK, metrics.Status);
            Assert.Contains("sammpa_inflight_calls{", metrics.Body, StringComparison.Ordinal);
            Assert.Contains("\norleans_", metrics.Body, StringComparison.Ordinal);
        }
        finally
        {
            storageAnswers.TrySetResult();
            // Stop only a silo that started: a failed assertion above must not be hidden by the stop's own error.
            if (await starting.ContinueWith(start => start.IsCompletedSuccessfully, TaskScheduler.Default))
            {
                await app.StopAsync(CancellationToken.None);
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private static (int Health, int Metrics) Ports()
    {
        var ports = FreePorts.Take(2);
        return (ports[0], ports[1]);
    }

    /// <summary>GETs <paramref name="path"/> until it answers <paramref name="expected"/>; bounded by attempts and the deadline.</summary>
    private static async Task<Answer> PollAsync(HttpClient http, int port, string path, HttpStatusCode expected, CancellationToken deadline)
    {
        var last = "(no answer)";
        for (var attempt = 0; attempt < 200 && !deadline.IsCancellationRequested; attempt++)
        {
            try
            {
                var answer = await GetAsync(http, port, path, deadline);
                if (answer.Status == expected)
                {
                    return answer;
                }

                last = $"{(int)answer.Status}: {answer.Body}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message; // not listening yet
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50 * Math.Min(attempt + 1, 10)), deadline);
        }

        Assert.Fail($"{path} never answered {(int)expected}; last: {last}");
        return null!;
    }
}
