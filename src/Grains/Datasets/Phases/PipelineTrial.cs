using SamMpa.Grains.Images;

namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// Stage AUTO's leave-one-out trial: every candidate pipeline segments every support from the other supports, scored
/// against the support's own annotation, with the calls in flight the cluster admits and the job's retries. A trial that
/// fails (its outcome, or the call after its retries) counts as Dice 0 for its candidate and is named in the score.
/// </summary>
public static class PipelineTrial
{
    /// <summary>
    /// How many standard errors the best candidate's paired advantage must reach before it overrules an earlier one.
    /// K supports are few: on the shared sets at K = 10 the left-out Dice of LOC, LOC+RF and the regression-only model
    /// differ by 0.01-0.1 with paired t between 0.2 and 1.9, and their order on the supports is not their order on the
    /// queries; MP against LOC differs far beyond it.
    /// </summary>
    public const double Significance = 2.0;

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
                var perSupport = Enumerable.Range(0, supports.Count).Select(s => dice[c, s]).ToArray();
                return new CandidateScore(candidates[c], mean, failed.Length, failed.Length == 0 ? null : failures[c, failed[0]], perSupport);
            })
            .ToArray();
    }

    /// <summary>
    /// The earliest candidate (the candidates come in the prior's order, <see cref="PipelineCandidates"/>) that the best
    /// mean Dice does not beat significantly: support by support, the best's mean advantage is below
    /// <see cref="Significance"/> standard errors. So the trial overrules the prior where the supports show a clear
    /// difference (registration against localisation) and not on noise. Without per-support figures, the best mean
    /// (a tie to the earlier). Candidates that failed on a support are left out unless all did.
    /// </summary>
    public static CandidateScore Choose(IReadOnlyList<CandidateScore> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Count == 0)
        {
            throw new ArgumentException("No candidate was scored.", nameof(scores));
        }

        var eligible = Eligible(scores);
        var best = BestMean(eligible);
        return eligible.First(score => ReferenceEquals(score, best) || !ClearlyBetter(best, score));
    }

    /// <summary>Why <paramref name="chosen"/> is not the best mean, in words for the report; null when it is.</summary>
    public static string? Reason(IReadOnlyList<CandidateScore> scores, CandidateScore chosen)
    {
        ArgumentNullException.ThrowIfNull(scores);
        ArgumentNullException.ThrowIfNull(chosen);
        var best = BestMean(Eligible(scores));
        if (ReferenceEquals(best, chosen) || best.MeanDice <= chosen.MeanDice)
        {
            return null;
        }

        var lead = best.MeanDice - chosen.MeanDice;
        var t = PairedT(best, chosen);
        return t is { } value
            ? $"{best.Candidate.Name} led {chosen.Candidate.Name} by {lead:F3} on the mean but only {value:F1} standard errors support by support (under {Significance:F0}), so {chosen.Candidate.Name}, earlier in the prior's order, stays"
            : null;
    }

    /// <summary>The candidates that may be chosen: those that failed on no support, or all when every one failed somewhere.</summary>
    private static CandidateScore[] Eligible(IReadOnlyList<CandidateScore> scores) =>
        scores.Any(s => s.Failed == 0) ? scores.Where(s => s.Failed == 0).ToArray() : scores.ToArray();

    /// <summary>The highest mean Dice; on a tie the earlier candidate.</summary>
    private static CandidateScore BestMean(IReadOnlyList<CandidateScore> scores) => scores.MaxBy(s => s.MeanDice)!;

    /// <summary>Whether <paramref name="a"/> beats <paramref name="b"/> support by support by at least <see cref="Significance"/> standard errors.</summary>
    public static bool ClearlyBetter(CandidateScore a, CandidateScore b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.MeanDice <= b.MeanDice)
        {
            return false;
        }

        return PairedT(a, b) is not { } t || t >= Significance;
    }

    /// <summary>
    /// The mean of a's Dice minus b's, support by support, in standard errors (infinity when they differ by the same on
    /// every support); null without per-support figures for both.
    /// </summary>
    private static double? PairedT(CandidateScore a, CandidateScore b)
    {
        if (a.SupportDice is not { } x || b.SupportDice is not { } y || x.Count != y.Count || x.Count < 2)
        {
            return null;
        }

        var n = x.Count;
        var differences = x.Zip(y, (p, q) => p - q).ToArray();
        var mean = differences.Average();
        var variance = differences.Sum(d => (d - mean) * (d - mean)) / (n - 1);
        var standardError = Math.Sqrt(variance / n);
        return standardError == 0 ? (mean == 0 ? 0 : double.PositiveInfinity * Math.Sign(mean)) : mean / standardError;
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
