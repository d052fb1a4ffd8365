using System.Diagnostics.Metrics;
using System.Globalization;
using SamMpa.Grains;

namespace SamMpa.Client.Console;

/// <summary>
/// Counts, in this process, the grain calls Orleans timed out (<c>orleans-app-requests-timedout</c>) and the image calls
/// a dataset's job retried (<c>sammpa.job.retries</c>, seen here when the silo is embedded), so a command can say at
/// its end whether load cost any call.
/// </summary>
internal sealed class CallHealth : IDisposable
{
    private const string OrleansMeterName = "Microsoft.Orleans";
    private const string OrleansTimedOutName = "orleans-app-requests-timedout";

    private readonly MeterListener _listener = new();
    private long _timedOut;
    private long _retried;

    public CallHealth()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if ((instrument.Meter.Name == OrleansMeterName && instrument.Name == OrleansTimedOutName)
                || (instrument.Meter.Name == Constants.MeterName && instrument.Name == Constants.JobRetriesInstrumentName))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == OrleansTimedOutName)
            {
                Interlocked.Add(ref _timedOut, value);
            }
            else
            {
                Interlocked.Add(ref _retried, value);
            }
        });
        _listener.Start();
    }

    public long TimedOut => Interlocked.Read(ref _timedOut);

    public long Retried => Interlocked.Read(ref _retried);

    /// <summary>One line for the end of a command; <paramref name="embedded"/>: the job ran in this process, so its retries are seen.</summary>
    public string Summary(bool embedded) => embedded
        ? string.Create(CultureInfo.InvariantCulture, $"calls: {Retried} image calls retried, {TimedOut} timed out")
        : string.Create(CultureInfo.InvariantCulture, $"calls: {TimedOut} timed out in this client (retries on the silos: sammpa_job_retries_total)");

    public void Dispose() => _listener.Dispose();
}
