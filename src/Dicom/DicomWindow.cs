namespace SamMpa.Dicom;

/// <summary>
/// A VOI window (PS3.3 C.11.2.1.2.1, linear): modality values from centre - width/2 to centre + width/2 spread over
/// the output range, values outside clipped. Also settable from configuration (a CT window such as 40/400).
/// </summary>
public sealed record DicomWindow
{
    public DicomWindow()
    {
    }

    public DicomWindow(double center, double width)
    {
        Center = center;
        Width = width;
    }

    /// <summary>Window centre (0028,1050), in modality units (after rescale).</summary>
    public double Center { get; init; }

    /// <summary>Window width (0028,1051), at least 1.</summary>
    public double Width { get; init; }
}
