using Microsoft.Extensions.Logging.Abstractions;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Tests.Datasets;

public sealed class PipelineTrialTests
{
    private static readonly JobOptions Fast = new() { MaxAttempts = 2, MaxPhaseAttempts = 2, RetryDelay = TimeSpan.FromMilliseconds(1) };
    private static readonly string[] Supports = ["a.png", "b.png", "c.png"];

    [Fact]
    public void The_candidates_are_listed_cheapest_first_with_more_atlases_only_where_the_run_allows()
    {
        Assert.Equal(["mp", "loc", "loc+rf", "mp+loc", "mp+loc+rf"], Names(PipelineCandidates.For(k: 10, runAtlases: 1, canLocalise: true)));
        Assert.Equal(
            ["mp", "loc", "loc+rf", "mp+loc", "mp+loc+rf", "mp3", "mp3+loc", "mp3+loc+rf"],
            Names(PipelineCandidates.For(k: 10, runAtlases: 5, canLocalise: true)));
        // A left-out support of K = 3 has two others to register.
        Assert.Equal(["mp", "loc", "loc+rf", "mp+loc", "mp+loc+rf", "mp2", "mp2+loc", "mp2+loc+rf"], Names(PipelineCandidates.For(k: 3, runAtlases: 3, canLocalise: true)));
        Assert.Equal(["mp"], Names(PipelineCandidates.For(k: 3, runAtlases: 1, canLocalise: false)));
    }

    [Fact]
    public async Task Every_candidate_segments_every_support_and_the_best_mean_is_chosen()
    {
        using var meters = new TestMeterFactory();
        var host = new Host(new JobResilience("d", Fast, new SamMpaMetrics(meters), NullLogger.Instance), limit: 2);
        var candidates = PipelineCandidates.For(k: 3, runAtlases: 1, canLocalise: true);
        var seen = new List<(string, int)>();
        var inFlight = 0;
        var mostInFlight = 0;
        var scores = await PipelineTrial.RunAsync(
            candidates,
            Supports,
            host,
            new TrialCalls(
                async (c, s, _) =>
                {
                    lock (seen)
                    {
                        seen.Add((c.Name, s));
                        mostInFlight = Math.Max(mostInFlight, ++inFlight);
                    }

                    await Task.Yield();
                    lock (seen)
                    {
                        inFlight--;
                    }

                    return Outcome(Supports[s], c.Localise ? 0.8 : 0.5 + (0.1 * s));
                },
                [SiloRoles.Cpu]),
            CancellationToken.None);

        Assert.Equal(candidates.Count * Supports.Length, seen.Distinct().Count());
        Assert.Equal(candidates.Select(c => c.Name), scores.Select(s => s.Candidate.Name));
        Assert.Equal(0.6, scores[0].MeanDice, 6);
        Assert.Equal(0.8, scores[1].MeanDice, 6);
        Assert.InRange(mostInFlight, 1, 2);
        // loc, loc+rf, mp+loc and mp+loc+rf tie at 0.8: the earlier (cheaper) wins.
        Assert.Equal("loc", PipelineTrial.Choose(scores).Candidate.Name);
    }

    [Fact]
    public async Task A_failed_trial_counts_zero_for_its_candidate_and_is_named()
    {
        using var meters = new TestMeterFactory();
        var host = new Host(new JobResilience("d", Fast, new SamMpaMetrics(meters), NullLogger.Instance), limit: 4);
        var candidates = PipelineCandidates.For(k: 3, runAtlases: 1, canLocalise: true).Take(3).ToArray();
        var scores = await PipelineTrial.RunAsync(
            candidates,
            Supports,
            host,
            new TrialCalls(
                (c, s, _) => (c.Name, s) switch
                {
                    ("loc", 1) => Task.FromResult(new ImageOutcome { Image = Supports[s], Error = new ImageError(StageNames.Localise, "b.png: feature map is damaged") }),
                    ("loc+rf", 2) => throw new TimeoutException("no answer"),
                    _ => Task.FromResult(Outcome(Supports[s], 0.9)),
                },
                []),
            CancellationToken.None);

        Assert.Equal(0.9, scores[0].MeanDice, 6);
        Assert.Equal(0.6, scores[1].MeanDice, 6);
        Assert.Equal(1, scores[1].Failed);
        Assert.Contains("b.png: localise: b.png: feature map is damaged", scores[1].FirstFailure, StringComparison.Ordinal);
        Assert.Equal(1, scores[2].Failed);
        Assert.Contains("c.png: gave up: no answer", scores[2].FirstFailure, StringComparison.Ordinal);
        Assert.Equal("mp", PipelineTrial.Choose(scores).Candidate.Name);
    }

    [Fact]
    public async Task A_trial_needs_two_supports()
    {
        using var meters = new TestMeterFactory();
        var host = new Host(new JobResilience("d", Fast, new SamMpaMetrics(meters), NullLogger.Instance), limit: 1);
        var error = await Assert.ThrowsAsync<ArgumentException>(() => PipelineTrial.RunAsync(
            PipelineCandidates.For(1, 1, true), ["a.png"], host, new TrialCalls((_, _, _) => Task.FromResult(Outcome("a.png", 1)), []), CancellationToken.None));
        Assert.Contains("at least 2 supports", error.Message, StringComparison.Ordinal);
    }

    private static string[] Names(IEnumerable<PipelineCandidate> candidates) => candidates.Select(c => c.Name).ToArray();

    private static ImageOutcome Outcome(string image, double dice) => new() { Image = image, CoarseDice = dice, FinalDice = dice };

    /// <summary>Admits <c>limit</c> calls; every role is there.</summary>
    private sealed class Host(JobResilience resilience, int limit) : IJobHost
    {
        public JobResilience Resilience { get; } = resilience;

        public int InFlightLimit(string stage) => limit;

        public Task WaitForRoleAsync(string role, string what, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task CheckpointAsync(bool force) => Task.CompletedTask;
    }
}
