using SamMpa.Imaging.Sam;

namespace SamMpa.Imaging.Evaluation;

/// <summary>What prompts SAM: SAM-MPA's propagated masks, or one of the paper's baselines.</summary>
public enum SegmentationMethod
{
    SamMpa,

    /// <summary>SAM with one foreground point at the ground-truth centroid.</summary>
    ManualPoint,

    /// <summary>SAM with the ground-truth bounding box.</summary>
    ManualBox,

    /// <summary>SAM with the ground-truth centroid and box.</summary>
    ManualPointBox,

    /// <summary>Training-free PerSAM: points from feature similarity to the support's masked embedding, cascaded refinement.</summary>
    PerSam,
}

public static class SegmentationMethodParser
{
    private static readonly Dictionary<string, SegmentationMethod> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sam-mpa"] = SegmentationMethod.SamMpa,
        ["manual-point"] = SegmentationMethod.ManualPoint,
        ["manual-box"] = SegmentationMethod.ManualBox,
        ["manual-point-box"] = SegmentationMethod.ManualPointBox,
        ["persam"] = SegmentationMethod.PerSam,
    };

    public static SegmentationMethod Parse(string text) =>
        Known.TryGetValue(text.Trim(), out var method)
            ? method
            : throw new ArgumentException($"Unknown --method '{text}'; available: {string.Join(", ", Known.Keys)}.");

    public static string Format(SegmentationMethod method) => Known.First(k => k.Value == method).Key;

    /// <summary>True for the baselines, which prompt SAM without registering anything.</summary>
    public static bool IsBaseline(this SegmentationMethod method) => method != SegmentationMethod.SamMpa;

    /// <summary>The manual prompt a baseline method simulates; null for SAM-MPA and PerSAM.</summary>
    public static ManualPromptKind? ManualPrompt(this SegmentationMethod method) => method switch
    {
        SegmentationMethod.ManualPoint => ManualPromptKind.Point,
        SegmentationMethod.ManualBox => ManualPromptKind.Box,
        SegmentationMethod.ManualPointBox => ManualPromptKind.PointAndBox,
        _ => null,
    };
}
