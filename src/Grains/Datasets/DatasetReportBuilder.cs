using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Grains.Images;

namespace SamMpa.Grains.Datasets;

/// <summary>Builds a run's <see cref="DatasetReport.Report"/> from the dataset's state and the queries' outcomes.</summary>
internal static class DatasetReportBuilder
{
    /// <param name="keptRuns">After a partial run: the run that segmented each kept outcome (the others are this run's).</param>
    /// <param name="partialOf">After a partial run: the run whose other outcomes it kept.</param>
    /// <param name="strata">Every image's stratum, when the selection recorded them: the report then has Dice per stratum.</param>
    /// <param name="segmentations">The DICOM SEG written (or why not) for each image from a DICOM instance.</param>
    public static DatasetReport.Report Build(
        string dataset,
        DatasetState state,
        IReadOnlyList<ImageOutcome> outcomes,
        IReadOnlyDictionary<string, string>? keptRuns = null,
        string? partialOf = null,
        ReportStrata? strata = null,
        IReadOnlyDictionary<string, RunSegmentations.Outcome>? segmentations = null) => new(
        dataset,
        state.RunId ?? string.Empty,
        state.Encoder,
        state.ImageCount,
        state.WorkingSize,
        state.SupportNames,
        state.Selection?.ByEmbedding ?? true,
        state.Pipeline is { Chosen.Register: true } auto ? auto.Chosen.Atlases : state.Selection?.Atlases ?? 1,
        state.Run?.UseSam ?? false,
        state.Run?.Refine ?? 0,
        outcomes.Count,
        outcomes.Count(o => !o.Failed),
        outcomes.Count(o => o.Failed),
        state.CoarseDiceMean,
        state.FinalDiceMean,
        state.RunSeconds,
        state.EmbeddingFailures
            .Select(f => new DatasetReport.Entry(f.Image, [], null, null, null, null, null, null, 0, 0, $"{StageNames.Embed}: {f.Reason}"))
            .ToArray(),
        outcomes.Select(o => new DatasetReport.Entry(
            o.Image,
            o.Supports,
            o.CoarseMaskBlob,
            o.MaskBlob,
            o.CoarseDice,
            o.CoarseIou,
            o.FinalDice,
            o.FinalIou,
            o.RegistrationSeconds,
            o.SegmentationSeconds,
            o.Error is { } e ? $"{e.Stage}: {e.Reason}" : null,
            o.Uncertainty,
            keptRuns is not null && keptRuns.TryGetValue(o.Image, out var run) ? run : state.RunId,
            strata?.Of(o.Image),
            segmentations?.GetValueOrDefault(o.Image)?.Blob,
            segmentations?.GetValueOrDefault(o.Image)?.Note)).ToArray(),
        state.Run?.Register ?? true,
        state.Run?.Localise ?? false,
        state.Run?.GraphCut ?? false,
        state.Pipeline is { } choice
            ? new DatasetReport.AutoChoice(
                choice.Chosen.Name,
                choice.Candidates.Select(c => new DatasetReport.AutoCandidate(c.Candidate.Name, c.MeanDice, c.Failed, c.FirstFailure, c.SupportDice)).ToArray(),
                choice.Note)
            : null,
            partialOf,
            strata?.Field,
            strata?.Stratified,
            strata is null ? null : Figures(strata, state.SupportNames, outcomes));

    /// <summary>Each stratum's figures, strata in ordinal order; a stratum with images but no query still appears.</summary>
    private static SortedDictionary<string, DatasetReport.StratumFigures> Figures(ReportStrata strata, IReadOnlyList<string> supports, IReadOnlyList<ImageOutcome> outcomes)
    {
        var figures = new SortedDictionary<string, DatasetReport.StratumFigures>(StringComparer.Ordinal);
        foreach (var group in strata.ByImage.Keys.GroupBy(strata.Of, StringComparer.Ordinal))
        {
            var queries = outcomes.Where(o => strata.Of(o.Image) == group.Key).ToArray();
            var succeeded = queries.Where(o => !o.Failed).ToArray();
            figures[group.Key] = new DatasetReport.StratumFigures(
                group.Count(),
                supports.Count(s => strata.Of(s) == group.Key),
                queries.Length,
                queries.Length - succeeded.Length,
                Mean(succeeded.Select(o => o.CoarseDice)),
                Mean(succeeded.Select(o => o.FinalDice)));
        }

        return figures;
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is { } d && double.IsFinite(d)).Select(v => v!.Value).ToArray();
        return present.Length == 0 ? null : present.Average();
    }
}
