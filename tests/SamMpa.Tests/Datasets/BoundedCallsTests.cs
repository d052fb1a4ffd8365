using SamMpa.Grains.Datasets.Phases;

namespace SamMpa.Tests.Datasets;

public sealed class BoundedCallsTests
{
    [Fact]
    public async Task Never_more_calls_in_flight_than_the_limit_reads()
    {
        var inFlight = 0;
        var peak = 0;
        var limit = 3;
        await BoundedCalls.RunAsync(
            Enumerable.Range(0, 40),
            () => limit,
            async (i, ct) =>
            {
                peak = Math.Max(peak, Interlocked.Increment(ref inFlight));
                await Task.Yield();
                if (i == 20)
                {
                    // The admission bound follows the cluster: later calls see the new limit.
                    limit = 1;
                }

                Interlocked.Decrement(ref inFlight);
            },
            CancellationToken.None);
        Assert.True(peak <= 3, $"Expected at most 3 calls in flight, saw {peak}.");
    }

    [Fact]
    public async Task Cancelling_waits_for_every_call_in_flight_to_end()
    {
        using var cancellation = new CancellationTokenSource();
        var started = new TaskCompletionSource();
        var ended = 0;
        var run = BoundedCalls.RunAsync(
            Enumerable.Range(0, 10),
            () => 4,
            async (i, ct) =>
            {
                try
                {
                    if (i == 3)
                    {
                        started.SetResult();
                    }

                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    Interlocked.Increment(ref ended);
                }
            },
            cancellation.Token);
        await started.Task;
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(4, ended);
    }

    [Fact]
    public async Task A_failing_call_stops_the_others_and_is_what_the_caller_sees()
    {
        var othersEnded = 0;
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => BoundedCalls.RunAsync(
            Enumerable.Range(0, 10),
            () => 3,
            async (i, ct) =>
            {
                if (i == 2)
                {
                    await Task.Yield();
                    throw new InvalidOperationException("image 2 broke");
                }

                try
                {
                    await Task.Delay(Timeout.Infinite, ct);
                }
                finally
                {
                    Interlocked.Increment(ref othersEnded);
                }
            },
            CancellationToken.None));
        Assert.Equal("image 2 broke", error.Message);
        Assert.Equal(2, othersEnded);
    }
}
