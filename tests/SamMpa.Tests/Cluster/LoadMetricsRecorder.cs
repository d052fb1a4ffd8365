using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// Listens, while it lives, to what the load test reports from the cluster's metrics: the job's retries
/// (<see cref="SamMpaMetrics.JobRetriesName"/>) and the seconds the workers spent per stage
/// (<see cref="SamMpaMetrics.StageDurationName"/>) on the given silos' meters, and Orleans' timed-out requests
/// (<see cref="TimedOutInstrument"/> on the process-wide <see cref="OrleansMeter"/>; the load test runs alone, so they are its own).
/// </summary>
internal sealed class LoadMetricsRecorder : IDisposable
{
    public const string OrleansMeter = "Microsoft.Orleans";
    public const string TimedOutInstrument = "orleans-app-requests-timedout";

    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<string> _retries = new();
    private readonly ConcurrentDictionary<string, double> _stageSeconds = new(StringComparer.Ordinal);
    private long _timedOut;

    public LoadMetricsRecorder(IReadOnlyCollection<Meter> siloMeters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((instrument.Name is SamMpaMetrics.JobRetriesName or SamMpaMetrics.StageDurationName && siloMeters.Contains(instrument.Meter))
                || (instrument.Name == TimedOutInstrument && instrument.Meter.Name == OrleansMeter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Count(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Count(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((_, value, tags, _) => _stageSeconds.AddOrUpdate(StageOf(tags), value, (_, sum) => sum + value));
        _listener.Start();
    }

    /// <summary>Each retry as "stage/reason".</summary>
    public IReadOnlyList<string> Retries => _retries.ToArray();

    public long TimedOut => Interlocked.Read(ref _timedOut);

    /// <summary>Seconds the workers spent on <paramref name="stage"/>, summed over their calls (0 when none ran).</summary>
    public double StageSeconds(string stage) => _stageSeconds.GetValueOrDefault(stage);

    /// <summary>Retries counted by stage and reason, e.g. "register/TimeoutException x3", or "none".</summary>
    public string DescribeRetries() =>
        _retries.IsEmpty ? "none" : string.Join(", ", _retries.GroupBy(r => r).Select(g => $"{g.Key} x{g.Count()}"));

    public void Dispose() => _listener.Dispose();

    private void Count(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (instrument.Name == TimedOutInstrument)
        {
            Interlocked.Add(ref _timedOut, value);
            return;
        }

        string? reason = null;
        foreach (var tag in tags)
        {
            reason = tag.Key == SamMpaMetrics.ReasonTag ? tag.Value as string : reason;
        }

        var retry = $"{StageOf(tags)}/{reason}";
        for (var i = 0; i < value; i++)
        {
            _retries.Enqueue(retry);
        }
    }

    private static string StageOf(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Key == SamMpaMetrics.StageTag)
            {
                return tag.Value as string ?? string.Empty;
            }
        }

        return string.Empty;
    }
}
