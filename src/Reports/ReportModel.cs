namespace SamMpa.Reports;

/// <summary>
/// What a run's report shows: one or more runs over one dataset (an eval has one per K), each with its queries, its
/// timings, the auto trial when it ran, and overlays of a few queries. Titles and settings are shown as given, in order.
/// </summary>
public sealed record SegmentationReport(
    string Title,
    string Dataset,
    IReadOnlyList<ReportSetting> Settings,
    IReadOnlyList<ReportRun> Runs);

/// <summary>A named value shown in a settings list ("encoder", "resnet18-…").</summary>
public sealed record ReportSetting(string Name, string Value);

/// <summary>
/// One run. <paramref name="StageSeconds"/> are the run's steps in order with their wall-clock seconds;
/// <paramref name="Overlays"/> picture some queries (the worst ones, see <see cref="WorstQueries"/>), described by
/// <paramref name="OverlayLegend"/> (which colour is which outline).
/// </summary>
public sealed record ReportRun(
    string Name,
    IReadOnlyList<ReportSetting> Settings,
    IReadOnlyList<ReportQuery> Queries,
    IReadOnlyList<StageSeconds> StageSeconds,
    ReportAutoChoice? Auto,
    IReadOnlyList<QueryOverlay> Overlays,
    string OverlayLegend);

/// <summary>
/// One query image. Dice of the coarse mask and of the final (SAM) mask, each null when not scored (no truth, or
/// that stage did not run); <paramref name="Uncertainty"/> predicts a bad mask (higher = worse); <paramref name="Site"/>
/// groups images by where they came from, when known; <paramref name="Error"/> is why the query failed.
/// </summary>
public sealed record ReportQuery(
    string Image,
    double? CoarseDice,
    double? FinalDice,
    double RegistrationSeconds,
    double SegmentationSeconds,
    string? Error = null,
    double? Uncertainty = null,
    string? Site = null)
{
    public bool Failed => Error is not null;

    /// <summary>The Dice of the mask the run delivers: the final one when scored, else the coarse one.</summary>
    public double? Dice => FinalDice ?? CoarseDice;
}

/// <summary>A step of a run and how long it took.</summary>
public sealed record StageSeconds(string Stage, double Seconds);

/// <summary>The auto trial: the pipeline chosen and every candidate's leave-one-out Dice on the supports.</summary>
public sealed record ReportAutoChoice(string Chosen, IReadOnlyList<ReportAutoCandidate> Candidates, string? Note = null);

/// <summary>One candidate of the auto trial; its failed trials counted 0, the first one named.</summary>
public sealed record ReportAutoCandidate(string Pipeline, double LeaveOneOutDice, int Failed = 0, string? FirstFailure = null);

/// <summary>A query pictured: its image with outlines drawn over it, as PNG bytes.</summary>
public sealed record QueryOverlay(string Image, ReadOnlyMemory<byte> Png);
