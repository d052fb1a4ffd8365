using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SamMpa.Grains.Telemetry;

/// <summary>
/// The cluster's own instruments, on the meter <see cref="Constants.MeterName"/>. Names follow OpenTelemetry conventions;
/// the Prometheus exporter turns them into <c>sammpa_images_processed_total</c>, <c>sammpa_stage_duration_seconds</c>,
/// <c>sammpa_inflight_calls</c>, <c>sammpa_image_failures_total</c> and <c>sammpa_job_retries_total</c>. Tags: <c>stage</c>
/// (embed, register, segment; see <see cref="Images.StageNames"/>), on processed images <c>outcome</c> (ok, failed), on
/// retries <c>reason</c> (the exception's type name). One per silo (singleton).
/// </summary>
public sealed class SamMpaMetrics
{
    public const string ImagesProcessedName = "sammpa.images.processed";
    public const string StageDurationName = "sammpa.stage.duration";
    public const string InFlightCallsName = "sammpa.inflight.calls";
    public const string ImageFailuresName = "sammpa.image.failures";
    public const string JobRetriesName = Constants.JobRetriesInstrumentName;

    public const string StageTag = "stage";
    public const string OutcomeTag = "outcome";
    public const string ReasonTag = "reason";
    public const string OutcomeOk = "ok";
    public const string OutcomeFailed = "failed";

    // Seconds: an embedding takes tens of milliseconds, a registration or a SAM pass seconds to minutes.
    private static readonly IReadOnlyList<double> DurationBuckets =
        [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly Counter<long> _processed;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _inFlight;
    private readonly Counter<long> _failures;
    private readonly Counter<long> _retries;

    public SamMpaMetrics(IMeterFactory meterFactory)
    {
        Meter = meterFactory.Create(new MeterOptions(Constants.MeterName));
        _processed = Meter.CreateCounter<long>(ImagesProcessedName, "{image}", "Images through a stage, by stage and outcome.");
        _duration = Meter.CreateHistogram<double>(
            StageDurationName, "s", "Time one image spends in a stage's worker call.", tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = DurationBuckets });
        _inFlight = Meter.CreateUpDownCounter<long>(InFlightCallsName, "{call}", "Worker calls in progress, by stage.");
        _failures = Meter.CreateCounter<long>(ImageFailuresName, "{image}", "Images that failed in a stage.");
        _retries = Meter.CreateCounter<long>(JobRetriesName, "{call}", "Image calls of a dataset's job tried again after they threw, by stage and exception type.");
    }

    /// <summary>The meter (owned by the factory, which disposes it).</summary>
    public Meter Meter { get; }

    /// <summary>One image finished <paramref name="stage"/> after <paramref name="seconds"/>, successfully or not.</summary>
    public void ImageProcessed(string stage, double seconds, bool ok)
    {
        var stageTag = new KeyValuePair<string, object?>(StageTag, stage);
        _processed.Add(1, stageTag, new KeyValuePair<string, object?>(OutcomeTag, ok ? OutcomeOk : OutcomeFailed));
        _duration.Record(seconds, stageTag);
        if (!ok)
        {
            _failures.Add(1, stageTag);
        }
    }

    /// <summary>
    /// A dataset's job tries an image call of <paramref name="stage"/> again after it threw <paramref name="reason"/> (a
    /// timeout, a silo gone): in a healthy cluster this stays at zero.
    /// </summary>
    public void JobRetried(string stage, Exception reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        _retries.Add(1, new KeyValuePair<string, object?>(StageTag, stage), new KeyValuePair<string, object?>(ReasonTag, reason.GetType().Name));
    }

    /// <summary>A worker call of <paramref name="stage"/> started (+1) or ended (-1).</summary>
    public void InFlight(string stage, int delta) => _inFlight.Add(delta, new KeyValuePair<string, object?>(StageTag, stage));

    /// <summary>
    /// Counts a call of <paramref name="stage"/> in flight until disposed, then records it as processed with its duration;
    /// call <see cref="StageCall.Succeeded"/> before disposing, or it counts as failed.
    /// </summary>
    public StageCall Begin(string stage)
    {
        InFlight(stage, +1);
        return new StageCall(this, stage, Stopwatch.GetTimestamp());
    }

    /// <summary>One call in flight; see <see cref="Begin"/>.</summary>
    public sealed class StageCall : IDisposable
    {
        private readonly SamMpaMetrics _metrics;
        private readonly string _stage;
        private readonly long _started;
        private bool _ok;
        private bool _disposed;

        internal StageCall(SamMpaMetrics metrics, string stage, long started)
        {
            _metrics = metrics;
            _stage = stage;
            _started = started;
        }

        public void Succeeded() => _ok = true;

        public void Dispose()
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _metrics.InFlight(_stage, -1);
            _metrics.ImageProcessed(_stage, Stopwatch.GetElapsedTime(_started).TotalSeconds, _ok);
        }
    }
}
