namespace SamMpa.Grains.Datasets;

/// <summary>The automatic prompts derived from a coarse mask (method.md, stage PA).</summary>
[GenerateSerializer]
[Alias("sammpa.SamPromptSettings")]
public sealed record SamPromptSettings
{
    /// <summary>Pixels added on every side of the bounding box.</summary>
    [Id(0)]
    public int BoxMargin { get; init; }

    /// <summary>Radius of the disk the coarse mask is dilated by before prompts are derived.</summary>
    [Id(1)]
    public int MaskDilation { get; init; }

    /// <summary>The foreground point at the most interior pixel instead of the centroid.</summary>
    [Id(2)]
    public bool InteriorPoint { get; init; }

    [Id(3)]
    public bool UseBox { get; init; } = true;

    [Id(4)]
    public bool UseMask { get; init; } = true;

    [Id(5)]
    public bool UsePoints { get; init; } = true;
}
