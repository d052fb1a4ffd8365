using Microsoft.Extensions.Logging.Abstractions;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Grains.Options;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Tests.Datasets;

public sealed class JobResilienceTests
{
    private static readonly JobOptions Fast = new() { MaxAttempts = 3, MaxPhaseAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(1) };

    [Fact]
    public async Task A_call_that_throws_is_tried_again_up_to_the_attempts_then_throws()
    {
        using var meters = new TestMeterFactory();
        var metrics = new SamMpaMetrics(meters);
        var resilience = new JobResilience("d", Fast, metrics, NullLogger.Instance);
        var attempts = 0;
        await Assert.ThrowsAsync<TimeoutException>(() => resilience.CallAsync("register", "a.png", _ =>
        {
            attempts++;
            throw new TimeoutException("no answer");
        }, CancellationToken.None));
        Assert.Equal(3, attempts);

        attempts = 0;
        await resilience.CallAsync("register", "b.png", _ => ++attempts < 2 ? throw new TimeoutException("once") : Task.CompletedTask, CancellationToken.None);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task Every_attempt_and_the_reload_run_on_the_callers_scheduler()
    {
        // A grain's calls must come from its own scheduler; Polly's delays resume elsewhere.
        using var meters = new TestMeterFactory();
        var metrics = new SamMpaMetrics(meters);
        var grainLike = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var onScheduler = new List<bool>();
        var resilience = new JobResilience("d", Fast, metrics, NullLogger.Instance, _ =>
        {
            onScheduler.Add(TaskScheduler.Current == grainLike);
            return ValueTask.CompletedTask;
        });
        await Task.Factory.StartNew(
            async () =>
            {
                var attempts = 0;
                await resilience.CallAsync("register", "a.png", async _ =>
                {
                    onScheduler.Add(TaskScheduler.Current == grainLike);
                    await Task.Delay(1, CancellationToken.None);
                    if (++attempts < 3)
                    {
                        throw new TimeoutException("no answer");
                    }
                }, CancellationToken.None);
                await Assert.ThrowsAsync<IOException>(() => resilience.PhaseAsync("Running", _ =>
                {
                    onScheduler.Add(TaskScheduler.Current == grainLike);
                    throw new IOException("storage gone");
                }, CancellationToken.None));
            },
            CancellationToken.None,
            TaskCreationOptions.DenyChildAttach,
            grainLike).Unwrap();
        Assert.Equal(3 + 2 + 1, onScheduler.Count);
        Assert.True(onScheduler.TrueForAll(on => on), $"Expected every attempt and reload on the caller's scheduler: {string.Join(", ", onScheduler)}.");
    }

    [Fact]
    public async Task A_phase_whose_stored_attempts_are_spent_is_not_tried_again()
    {
        // The dataset grain counts a phase's tries in its stored state (a silo that dies mid-phase leaves no exception
        // to count): once they are spent the phase ends at once, whatever attempts the retry policy has left.
        using var meters = new TestMeterFactory();
        var resilience = new JobResilience("d", new JobOptions { MaxPhaseAttempts = 5, RetryDelay = TimeSpan.FromMilliseconds(1) }, new SamMpaMetrics(meters), NullLogger.Instance);
        var attempts = 0;

        var failure = await Assert.ThrowsAsync<PhaseAttemptsExhaustedException>(() => resilience.PhaseAsync("Running", _ =>
        {
            attempts++;
            throw new PhaseAttemptsExhaustedException("Running was started 5 times");
        }, CancellationToken.None));

        Assert.Equal(1, attempts);
        Assert.Equal("Running was started 5 times", failure.Message);
    }

    [Fact]
    public async Task Cancellation_is_never_retried()
    {
        using var meters = new TestMeterFactory();
        var metrics = new SamMpaMetrics(meters);
        var resilience = new JobResilience("d", Fast, metrics, NullLogger.Instance);
        using var cancellation = new CancellationTokenSource();
        var attempts = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => resilience.CallAsync("register", "a.png", async ct =>
        {
            attempts++;
            await cancellation.CancelAsync();
            ct.ThrowIfCancellationRequested();
        }, cancellation.Token));
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_phase_is_retried_a_bounded_number_of_times_after_reloading()
    {
        using var meters = new TestMeterFactory();
        var metrics = new SamMpaMetrics(meters);
        var reloads = 0;
        var resilience = new JobResilience("d", Fast, metrics, NullLogger.Instance, _ =>
        {
            reloads++;
            return ValueTask.CompletedTask;
        });
        var attempts = 0;
        await Assert.ThrowsAsync<IOException>(() => resilience.PhaseAsync("Running", _ =>
        {
            attempts++;
            throw new IOException("storage gone");
        }, CancellationToken.None));
        Assert.Equal((2, 1), (attempts, reloads));
    }
}
