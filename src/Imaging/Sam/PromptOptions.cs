namespace SamMpa.Imaging.Sam;

/// <summary>
/// Options of the automatic prompts (stage PA). Defaults follow method.md: centroid foreground point, four background
/// points at the bounding-box corners, the minimal bounding box, the coarse mask as mask prompt; no expansion.
/// </summary>
public sealed record PromptOptions
{
    public static PromptOptions Default { get; } = new();

    /// <summary>Pixels (at original size) added on every side of the bounding box, clamped to the image. Also moves the background points.</summary>
    public int BoxMargin { get; init; }

    /// <summary>Radius in pixels of the disk the binary coarse mask is dilated by before prompts are derived.</summary>
    public int MaskDilation { get; init; }

    public ForegroundPoint ForegroundPoint { get; init; } = ForegroundPoint.Centroid;

    public bool UseBox { get; init; } = true;

    public bool UseMask { get; init; } = true;

    /// <summary>The foreground point and the four background points.</summary>
    public bool UsePoints { get; init; } = true;

    /// <summary>Gain applied to the mask prompt's log-odds (see <see cref="SamFrame.MaskToLowResLogits"/>).</summary>
    public float MaskLogitGain { get; init; } = 1f;

    /// <summary>Bound of the mask prompt's logits.</summary>
    public float MaskLogitLimit { get; init; } = SamFrame.DefaultLogitLimit;
}
