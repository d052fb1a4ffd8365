using System.Text.Json;
using System.Text.Json.Serialization;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// datasets/{id}/report.json: the last run's settings, supports, aggregate scores and one entry per query (blobs,
/// Dice, timings, uncertainty, or the failure), plus the images that could not be embedded. snake_case, like the eval outputs.
/// After a run that re-segmented only the queries a promotion changed, <c>partial_of</c> names the run whose other
/// outcomes it kept, and each entry's <c>run</c> the run that segmented it. When images have provenance or the
/// selection was stratified, <c>strata</c> gives each stratum's figures (Dice per site) by its value of
/// <c>stratum_field</c>, and each entry its <c>stratum</c>; images without provenance are <see cref="UnknownStratum"/>.
/// An entry whose image came from a DICOM instance names its DICOM Segmentation in <c>seg</c>, or says in <c>note</c>
/// why none was written.
/// </summary>
public static class DatasetReport
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>The stratum of images without provenance (or without the field).</summary>
    public const string UnknownStratum = "(unknown)";

    public static byte[] Serialize(Report report) => JsonSerializer.SerializeToUtf8Bytes(report, Json);

    public static Report Deserialize(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<Report>(json, Json) ?? throw new InvalidDataException("report.json is empty.");

    public sealed record Report(
        string Dataset,
        string RunId,
        string? Encoder,
        int Images,
        int WorkingSize,
        IReadOnlyList<string> Supports,
        bool SupportsByEmbedding,
        int Atlases,
        bool Sam,
        int Refine,
        int Queries,
        int Segmented,
        int Failed,
        double? CoarseDiceMean,
        double? FinalDiceMean,
        double? WallSeconds,
        IReadOnlyList<Entry> NotEmbedded,
        IReadOnlyList<Entry> Outcomes,
        bool Register = true,
        bool Localise = false,
        bool GraphCut = false,
        AutoChoice? Auto = null,
        string? PartialOf = null,
        string? StratumField = null,
        bool? Stratified = null,
        IReadOnlyDictionary<string, StratumFigures>? Strata = null);

    /// <summary>
    /// One stratum of a run: its images and supports, its queries (failed ones included) and the mean Dice of its coarse
    /// and final masks over the queries that did not fail (null when none was scored).
    /// </summary>
    public sealed record StratumFigures(int Images, int Supports, int Queries, int Failed, double? CoarseDiceMean, double? FinalDiceMean);

    /// <summary>Stage AUTO: the pipeline chosen and every candidate's leave-one-out Dice on the supports, in the tried order.</summary>
    public sealed record AutoChoice(string Chosen, IReadOnlyList<AutoCandidate> Candidates, string? Note = null);

    /// <summary>One candidate's mean leave-one-out Dice; its failed trials counted 0, the first one named; each support's Dice in the supports' order.</summary>
    public sealed record AutoCandidate(string Pipeline, double LeaveOneOutDice, int Failed = 0, string? FirstFailure = null, IReadOnlyList<double>? SupportDice = null);

    public sealed record Entry(
        string Image,
        IReadOnlyList<string> Supports,
        string? CoarseMask,
        string? Mask,
        double? CoarseDice,
        double? CoarseIou,
        double? FinalDice,
        double? FinalIou,
        double RegistrationSeconds,
        double SegmentationSeconds,
        string? Error,
        double? Uncertainty = null,
        string? Run = null,
        string? Stratum = null,
        string? Seg = null,
        string? Note = null);
}
