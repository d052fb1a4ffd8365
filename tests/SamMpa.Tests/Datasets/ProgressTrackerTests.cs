using SamMpa.Grains.Datasets.Phases;

namespace SamMpa.Tests.Datasets;

public sealed class ProgressTrackerTests
{
    [Fact]
    public void The_watermark_passes_only_runs_of_finished_positions()
    {
        var tracker = new ProgressTracker(5, PhaseProgress.None);
        tracker.Complete(1, ok: true);
        tracker.Complete(2, ok: false);
        Assert.Equal(PhaseProgress.None, tracker.Snapshot());
        Assert.Equal((1, 1), (tracker.Done, tracker.Failed));

        tracker.Complete(0, ok: true);
        Assert.Equal(new PhaseProgress { Watermark = 3, Done = 2, Failed = 1 }, tracker.Snapshot());
        Assert.Equal([3, 4], tracker.Pending());
        Assert.False(tracker.IsComplete);
    }

    [Fact]
    public void A_resumed_phase_asks_from_the_watermark_and_counts_a_repeat_once()
    {
        var tracker = new ProgressTracker(4, new PhaseProgress { Watermark = 2, Done = 1, Failed = 1 });
        Assert.Equal([2, 3], tracker.Pending());
        tracker.Complete(1, ok: true);
        tracker.Complete(3, ok: true);
        tracker.Complete(3, ok: false);
        tracker.Complete(2, ok: true);
        Assert.True(tracker.IsComplete);
        Assert.Equal(new PhaseProgress { Watermark = 4, Done = 3, Failed = 1 }, tracker.Snapshot());
    }

    [Fact]
    public void Stored_progress_that_does_not_fit_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => new ProgressTracker(3, new PhaseProgress { Watermark = 4, Done = 4 }));
        Assert.Contains("3 items", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void What_is_stored_stays_three_numbers_whatever_the_phase_size()
    {
        foreach (var count in new[] { 2_000, 20_000 })
        {
            var tracker = new ProgressTracker(count, PhaseProgress.None);
            for (var i = 0; i < count; i++)
            {
                tracker.Complete(i, ok: i % 10 != 0);
            }

            Assert.Equal(new PhaseProgress { Watermark = count, Done = count - (count / 10), Failed = count / 10 }, tracker.Snapshot());
        }
    }
}
