namespace SamMpa.Grains.Datasets;

/// <summary>What segments the queries of a run: SAM-MPA, or one of the paper's baselines (all run on the grains).</summary>
[GenerateSerializer]
[Alias("sammpa.SegmentationMethod")]
public enum SegmentationMethod
{
    /// <summary>Registration carries the supports' masks (MP); with SAM, the coarse mask prompts it (PA, PR).</summary>
    SamMpa,

    /// <summary>SAM with one foreground point at the ground-truth centroid (needs ground truth and SAM).</summary>
    ManualPoint,

    /// <summary>SAM with the ground-truth bounding box.</summary>
    ManualBox,

    /// <summary>SAM with the ground-truth centroid and box.</summary>
    ManualPointBox,

    /// <summary>Training-free PerSAM: points from feature similarity to the support's masked embedding, cascaded refinement.</summary>
    PerSam,
}

/// <summary>Names of the methods on the command line and in reports.</summary>
public static class SegmentationMethods
{
    private static readonly Dictionary<string, SegmentationMethod> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sam-mpa"] = SegmentationMethod.SamMpa,
        ["manual-point"] = SegmentationMethod.ManualPoint,
        ["manual-box"] = SegmentationMethod.ManualBox,
        ["manual-point-box"] = SegmentationMethod.ManualPointBox,
        ["persam"] = SegmentationMethod.PerSam,
    };

    public static SegmentationMethod Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Known.TryGetValue(text.Trim(), out var method)
            ? method
            : throw new ArgumentException($"Unknown --method '{text}'; available: {string.Join(", ", Known.Keys)}.");
    }

    public static string Format(SegmentationMethod method) => Known.First(k => k.Value == method).Key;

    /// <summary>True for the baselines, which prompt SAM without registering anything.</summary>
    public static bool IsBaseline(this SegmentationMethod method) => method != SegmentationMethod.SamMpa;

    /// <summary>True for the baselines whose prompts are simulated from the query's ground truth.</summary>
    public static bool IsManual(this SegmentationMethod method) =>
        method is SegmentationMethod.ManualPoint or SegmentationMethod.ManualBox or SegmentationMethod.ManualPointBox;
}
