using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using SamMpa.Grains;
using SamMpa.Grains.Images;
using SamMpa.Grains.Telemetry;
using SamMpa.Hosting;
using SamMpa.Hosting.Telemetry;
using SamMpa.Tests.Hosting;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Cluster;

public sealed class MetricsTests
{
    private sealed record Measurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags);

    /// <summary>Collects the measurements of one <see cref="SamMpaMetrics"/> instance (other instances may exist in parallel tests).</summary>
    private sealed class Recorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<Measurement> _measurements = [];

        public Recorder(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public IReadOnlyList<Measurement> Of(string instrument)
        {
            lock (_measurements)
            {
                return _measurements.Where(m => m.Instrument == instrument).ToArray();
            }
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var measurement = new Measurement(instrument.Name, value, new Dictionary<string, object?>(tags.ToArray()));
            lock (_measurements)
            {
                _measurements.Add(measurement);
            }
        }
    }

    [Fact]
    public void The_meter_is_the_cluster_meter()
    {
        using var services = new ServiceCollection().AddSamMpaMetrics(0).BuildServiceProvider();
        var metrics = services.GetRequiredService<SamMpaMetrics>();

        Assert.Equal(Constants.MeterName, metrics.Meter.Name);
        Assert.Same(metrics, services.GetRequiredService<SamMpaMetrics>());
    }

    [Fact]
    public void Processed_images_record_count_duration_and_failures_by_stage()
    {
        using var services = new ServiceCollection().AddSamMpaMetrics(0).BuildServiceProvider();
        var metrics = services.GetRequiredService<SamMpaMetrics>();
        using var recorder = new Recorder(metrics.Meter);

        metrics.ImageProcessed(StageNames.Embed, 0.25, ok: true);
        metrics.ImageProcessed(StageNames.Register, 3.5, ok: false);

        var processed = recorder.Of(SamMpaMetrics.ImagesProcessedName);
        Assert.Equal(2, processed.Count);
        Assert.Equal(1, processed[0].Value);
        Assert.Equal(StageNames.Embed, processed[0].Tags[SamMpaMetrics.StageTag]);
        Assert.Equal(SamMpaMetrics.OutcomeOk, processed[0].Tags[SamMpaMetrics.OutcomeTag]);
        Assert.Equal(StageNames.Register, processed[1].Tags[SamMpaMetrics.StageTag]);
        Assert.Equal(SamMpaMetrics.OutcomeFailed, processed[1].Tags[SamMpaMetrics.OutcomeTag]);

        var durations = recorder.Of(SamMpaMetrics.StageDurationName);
        Assert.Equal([0.25, 3.5], durations.Select(d => d.Value));
        Assert.Equal([StageNames.Embed, StageNames.Register], durations.Select(d => d.Tags[SamMpaMetrics.StageTag]));
        Assert.All(durations, d => Assert.False(d.Tags.ContainsKey(SamMpaMetrics.OutcomeTag)));

        var failure = Assert.Single(recorder.Of(SamMpaMetrics.ImageFailuresName));
        Assert.Equal(1, failure.Value);
        Assert.Equal(StageNames.Register, failure.Tags[SamMpaMetrics.StageTag]);
    }

    [Fact]
    public void In_flight_calls_go_up_and_down()
    {
        using var services = new ServiceCollection().AddSamMpaMetrics(0).BuildServiceProvider();
        var metrics = services.GetRequiredService<SamMpaMetrics>();
        using var recorder = new Recorder(metrics.Meter);

        metrics.InFlight(StageNames.Segment, +1);
        metrics.InFlight(StageNames.Segment, -1);

        var inFlight = recorder.Of(SamMpaMetrics.InFlightCallsName);
        Assert.Equal([1.0, -1.0], inFlight.Select(m => m.Value));
        Assert.All(inFlight, m => Assert.Equal(StageNames.Segment, m.Tags[SamMpaMetrics.StageTag]));
    }

    [Fact]
    public void A_retried_job_call_counts_by_stage_and_exception_type()
    {
        using var services = new ServiceCollection().AddSamMpaMetrics(0).BuildServiceProvider();
        var metrics = services.GetRequiredService<SamMpaMetrics>();
        using var recorder = new Recorder(metrics.Meter);

        metrics.JobRetried(StageNames.Register, new TimeoutException("the call timed out"));

        var retry = Assert.Single(recorder.Of(SamMpaMetrics.JobRetriesName));
        Assert.Equal(1, retry.Value);
        Assert.Equal(StageNames.Register, retry.Tags[SamMpaMetrics.StageTag]);
        Assert.Equal(nameof(TimeoutException), retry.Tags[SamMpaMetrics.ReasonTag]);
    }

    [Fact]
    public void A_stage_call_counts_in_flight_then_processed()
    {
        using var services = new ServiceCollection().AddSamMpaMetrics(0).BuildServiceProvider();
        var metrics = services.GetRequiredService<SamMpaMetrics>();
        using var recorder = new Recorder(metrics.Meter);

        using (var call = metrics.Begin(StageNames.Segment))
        {
            Assert.Equal([1.0], recorder.Of(SamMpaMetrics.InFlightCallsName).Select(m => m.Value));
            call.Succeeded();
        }

        using (metrics.Begin(StageNames.Segment))
        {
            // Disposed without Succeeded: a failure (an exception left the using block).
        }

        Assert.Equal([1.0, -1.0, 1.0, -1.0], recorder.Of(SamMpaMetrics.InFlightCallsName).Select(m => m.Value));
        Assert.Equal(
            [SamMpaMetrics.OutcomeOk, SamMpaMetrics.OutcomeFailed],
            recorder.Of(SamMpaMetrics.ImagesProcessedName).Select(m => m.Tags[SamMpaMetrics.OutcomeTag]));
        Assert.Single(recorder.Of(SamMpaMetrics.ImageFailuresName));
        Assert.All(recorder.Of(SamMpaMetrics.StageDurationName), m => Assert.True(m.Value >= 0));
    }

    [Fact]
    public void Port_zero_adds_no_exporter()
    {
        using var services = new ServiceCollection().AddSamMpaMetrics(0).BuildServiceProvider();

        Assert.Null(services.GetService<MeterProvider>());
    }

    [Fact]
    public async Task The_prometheus_endpoint_serves_recorded_cluster_metrics()
    {
        var port = FreePorts.Take(1)[0];
        var builder = SiloWebHosts.Builder(new Dictionary<string, string?>
        {
            ["Orleans:MetricsPort"] = $"{port}",
            ["Orleans:HealthPort"] = "0",
        });
        await using var host = await SiloWebHosts.StartWithEndpointsAsync(builder);
        try
        {
            var metrics = host.Services.GetRequiredService<SamMpaMetrics>();
            metrics.ImageProcessed(StageNames.Embed, 0.5, ok: true);
            metrics.ImageProcessed(StageNames.Segment, 2, ok: false);
            metrics.InFlight(StageNames.Register, +1);

            var text = await ScrapeUntil(new Uri($"http://127.0.0.1:{port}/metrics"), body => body.Contains("sammpa_", StringComparison.Ordinal));

            Assert.Contains("sammpa_images_processed_total{", text, StringComparison.Ordinal);
            Assert.Contains("stage=\"embed\"", text, StringComparison.Ordinal);
            Assert.Contains("outcome=\"failed\"", text, StringComparison.Ordinal);
            Assert.Contains("sammpa_stage_duration_seconds_bucket{", text, StringComparison.Ordinal);
            Assert.Contains("sammpa_inflight_calls{", text, StringComparison.Ordinal);
            Assert.Contains("sammpa_image_failures_total{", text, StringComparison.Ordinal);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    /// <summary>GETs <paramref name="uri"/> until the body satisfies <paramref name="ready"/>; bounded by attempts and a deadline.</summary>
    private static async Task<string> ScrapeUntil(Uri uri, Func<string, bool> ready)
    {
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var last = "(no response)";
        for (var attempt = 0; attempt < 50; attempt++)
        {
            try
            {
                using var response = await http.GetAsync(uri, deadline.Token);
                last = $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(deadline.Token)}";
                if (response.IsSuccessStatusCode && ready(last))
                {
                    return last;
                }
            }
            catch (HttpRequestException exception)
            {
                last = exception.Message;
            }

            // The exporter caches a scrape for 300 ms; back off a little longer than that between attempts.
            await Task.Delay(TimeSpan.FromMilliseconds(100 * Math.Min(attempt + 1, 5)), deadline.Token);
        }

        Assert.Fail($"{uri} never served the expected metrics; last: {last}");
        return last;
    }
}
