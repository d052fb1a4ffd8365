namespace SamMpa.Imaging.Sam;

/// <summary>The paper's manual-prompt baselines, generated from a ground-truth mask.</summary>
public enum ManualPromptKind
{
    /// <summary>One foreground point at the mask's centroid.</summary>
    Point,

    /// <summary>The mask's minimal bounding box.</summary>
    Box,

    /// <summary>The centroid point and the bounding box.</summary>
    PointAndBox,
}
