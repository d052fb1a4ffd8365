using System.Diagnostics.Metrics;
using SamMpa.Client.Console;
using SamMpa.Grains;

namespace SamMpa.Tests.Client;

public sealed class CallHealthTests
{
    [Fact]
    public void Counts_the_jobs_retries_and_orleans_timeouts_it_is_told_of()
    {
        using var health = new CallHealth();
        // Meters are process-wide and other tests may add to the same instruments: compare with a floor, not equality.
        var retriedBefore = health.Retried;
        var timedOutBefore = health.TimedOut;
        using var sammpa = new Meter(Constants.MeterName);
        using var orleans = new Meter("Microsoft.Orleans");
        sammpa.CreateCounter<long>(Constants.JobRetriesInstrumentName).Add(2);
        orleans.CreateCounter<long>("orleans-app-requests-timedout").Add(3);

        Assert.True(health.Retried - retriedBefore >= 2, $"expected at least 2 retries counted, got {health.Retried - retriedBefore}");
        Assert.True(health.TimedOut - timedOutBefore >= 3, $"expected at least 3 timed-out calls counted, got {health.TimedOut - timedOutBefore}");
        Assert.StartsWith("calls: ", health.Summary(embedded: true), StringComparison.Ordinal);
    }
}
