namespace SamMpa.Imaging.Sam;

/// <summary>Where the automatic foreground point goes.</summary>
public enum ForegroundPoint
{
    /// <summary>Centroid of the binary coarse mask (method.md, stage PA); may fall outside a non-convex mask.</summary>
    Centroid,

    /// <summary>The mask pixel farthest from the background (maximum of the Euclidean distance transform); always inside.</summary>
    Interior,
}
