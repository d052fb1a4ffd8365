using SamMpa.Grains.Datasets;

namespace SamMpa.Client.Evaluation;

/// <summary>
/// The outcome for one query image in one run; <paramref name="Support"/> lists the atlases used, ';'-separated.
/// Dice and IoU score the coarse (propagated) mask; the final ones score SAM's mask, NaN without the SAM stages.
/// <paramref name="Uncertainty"/> predicts a bad mask (higher = worse; see the dataset report), when measured;
/// <paramref name="SegmentationSeconds"/> is the query's time in segmentation (coarse mask and SAM) besides registration;
/// <paramref name="Stratum"/> is its site (or the field supports were stratified by), null without provenance.
/// </summary>
public sealed record QueryResult(
    string Image,
    string Support,
    double Dice,
    double IoU,
    double FinalDice,
    double FinalIoU,
    double RegistrationSeconds,
    string? Error,
    double? Uncertainty = null,
    double SegmentationSeconds = 0,
    string? Stratum = null)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// One run: one K with one set of stages. dice_* score the coarse masks (MP); final_dice_* score SAM's masks and are
/// null without the stage pa. <paramref name="Strata"/> has the figures per stratum (Dice per site) when queries have
/// one; <paramref name="StratifiedBy"/> names the field the supports were spread over, null when they were not.
/// </summary>
public sealed record RunSummary(
    string Run,
    int Shots,
    string Stages,
    IReadOnlyList<string> Supports,
    int Queries,
    int Failed,
    double DiceMean,
    double DiceStd,
    double DiceMedian,
    double IouMean,
    double? FinalDiceMean,
    double? FinalDiceStd,
    double? FinalDiceMedian,
    double? FinalIouMean,
    double WallSeconds,
    int Registrations,
    double RegistrationWallSeconds,
    double RegistrationSecondsSum,
    int Parallelism,
    int Atlases,
    DatasetReport.AutoChoice? Auto = null,
    string? StratifiedBy = null,
    IReadOnlyDictionary<string, StratumSummary>? Strata = null);

/// <summary>One stratum of a run: its queries, failures and mean Dice (coarse; final null without the stage pa).</summary>
public sealed record StratumSummary(int Queries, int Failed, double DiceMean, double? FinalDiceMean);

/// <summary>Builds a run's summary from its per-query results (statistics over the queries that did not fail).</summary>
public static class RunSummaries
{
    /// <param name="scoreFinal">Whether final (SAM) masks were scored; without, the final figures are null.</param>
    public static RunSummary From(
        string run,
        int shots,
        string stages,
        IReadOnlyList<string> supports,
        IReadOnlyList<QueryResult> results,
        bool scoreFinal,
        double wallSeconds,
        int registrations,
        double registrationWallSeconds,
        double registrationSecondsSum,
        int parallelism,
        int atlases,
        DatasetReport.AutoChoice? auto = null,
        string? stratifiedBy = null)
    {
        ArgumentNullException.ThrowIfNull(results);
        var succeeded = results.Where(r => !r.Failed).ToArray();
        var dice = Imaging.Metrics.Statistics.Of(succeeded.Select(r => r.Dice));
        var final = scoreFinal ? Imaging.Metrics.Statistics.Of(succeeded.Select(r => r.FinalDice)) : null;
        return new RunSummary(
            run,
            shots,
            stages,
            supports,
            results.Count,
            results.Count(r => r.Failed),
            dice.Mean,
            dice.Std,
            dice.Median,
            succeeded.Length == 0 ? double.NaN : succeeded.Average(r => r.IoU),
            final?.Mean,
            final?.Std,
            final?.Median,
            final is null || succeeded.Length == 0 ? null : succeeded.Average(r => r.FinalIoU),
            wallSeconds,
            registrations,
            registrationWallSeconds,
            registrationSecondsSum,
            parallelism,
            atlases,
            auto,
            stratifiedBy,
            results.Any(r => r.Stratum is not null) ? StrataOf(results, scoreFinal) : null);
    }

    private static SortedDictionary<string, StratumSummary> StrataOf(IReadOnlyList<QueryResult> results, bool scoreFinal)
    {
        var strata = new SortedDictionary<string, StratumSummary>(StringComparer.Ordinal);
        foreach (var group in results.GroupBy(r => r.Stratum ?? DatasetReport.UnknownStratum, StringComparer.Ordinal))
        {
            var succeeded = group.Where(r => !r.Failed).ToArray();
            strata[group.Key] = new StratumSummary(
                group.Count(),
                group.Count(r => r.Failed),
                Imaging.Metrics.Statistics.Of(succeeded.Select(r => r.Dice)).Mean,
                scoreFinal ? Imaging.Metrics.Statistics.Of(succeeded.Select(r => r.FinalDice)).Mean : null);
        }

        return strata;
    }
}

/// <summary>Everything one evaluation command produced.</summary>
public sealed record EvalReport(
    string ImagesDirectory,
    string MasksDirectory,
    int Images,
    string Encoder,
    int WorkingSize,
    double EmbeddingSeconds,
    int EmbeddingsComputed,
    IReadOnlyList<RunSummary> Runs);
