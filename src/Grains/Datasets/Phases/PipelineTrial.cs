using SamMpa.Grains.Images;

namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// Stage AUTO's leave-one-out trial: every candidate pipeline segments every support from the other supports, scored
/// against the support's own annotation, with the calls in flight the cluster admits and the job's retries. A trial that
/// fails (its outcome, or the call after its retries) counts as Dice 0 for its candidate and is named in the score. The
/// best mean Dice is chosen; a tie goes to the earlier candidate.
/// </summary>
public static class PipelineTrial
{
    public static async Task<IReadOnlyList<CandidateScore>> RunAsync(
        IReadOnlyList<PipelineCandidate> candidates,
        IReadOnlyList<string> supports,
        IJobHost host,
        TrialCalls calls,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(supports);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(calls);
        if (supports.Count < 2)
        {
            throw new ArgumentException($"A leave-one-out trial needs at least 2 supports, not {supports.Count}.", nameof(supports));
        }

        var dice = new double[candidates.Count, supports.Count];
        var failures = new string?[candidates.Count, supports.Count];
        await BoundedCalls.RunAsync(
            Enumerable.Range(0, candidates.Count * supports.Count),
            () => host.InFlightLimit(StageNames.Register),
            async (item, ct) =>
            {
                var (c, s) = (item / supports.Count, item % supports.Count);
                var (score, failure) = await TryOneAsync(candidates[c], s, supports[s], host, calls, ct);
                dice[c, s] = score;
                failures[c, s] = failure;
            },
            cancellationToken);

        return Enumerable.Range(0, candidates.Count)
            .Select(c =>
            {
                var failed = Enumerable.Range(0, supports.Count).Where(s => failures[c, s] is not null).ToArray();
                var mean = Enumerable.Range(0, supports.Count).Average(s => dice[c, s]);
                return new CandidateScore(candidates[c], mean, failed.Length, failed.Length == 0 ? null : failures[c, failed[0]]);
            })
            .ToArray();
    }

    /// <summary>The best mean Dice; on a tie the earlier candidate (the plain method before what adds to it).</summary>
    public static CandidateScore Choose(IReadOnlyList<CandidateScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            throw new ArgumentException("No candidate was scored.", nameof(scores));
        }

        var best = scores[0];
        foreach (var score in scores.Skip(1))
        {
            if (score.MeanDice > best.MeanDice)
            {
                best = score;
            }
        }

        return best;
    }

    private static async Task<(double Dice, string? Failure)> TryOneAsync(
        PipelineCandidate candidate, int s, string support, IJobHost host, TrialCalls calls, CancellationToken cancellationToken)
    {
        try
        {
            ImageOutcome? outcome = null;
            await host.Resilience.CallAsync(
                StageNames.Register,
                $"the {candidate.Name} trial on support {support}",
                async ct =>
                {
                    foreach (var role in calls.Roles)
                    {
                        await host.WaitForRoleAsync(role, "the pipelines are tried on the supports", ct);
                    }

                    outcome = await calls.Segment(candidate, s, ct);
                },
                cancellationToken);
            return outcome!.Error is { } error
                ? (0, $"{support}: {error.Stage}: {error.Reason}")
                : ((outcome.FinalDice ?? outcome.CoarseDice) is { } dice && !double.IsNaN(dice) ? dice : 0, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (0, $"{support}: gave up: {ImageError.OneLine(e.Message)}");
        }
    }
}

/// <summary>How a trial reaches the cluster: candidate and support index to the support's outcome, and the silo roles it needs.</summary>
public sealed record TrialCalls(
    Func<PipelineCandidate, int, CancellationToken, Task<ImageOutcome>> Segment,
    IReadOnlyList<string> Roles);
