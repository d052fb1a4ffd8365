using SamMpa.Imaging.Images;

namespace SamMpa.Dicom;

/// <summary>
/// One DICOM instance read as grey images: its header (pixel format, spacing, provenance) and one image per frame,
/// on GrayImage's 0..255 scale. Disposing it disposes the frames.
/// </summary>
public sealed class DicomInstance : IDisposable
{
    internal DicomInstance(string path, DicomHeader header, IReadOnlyList<GrayImage> frames)
    {
        Path = path;
        Header = header;
        Frames = frames;
    }

    /// <summary>The file it was read from, as given.</summary>
    public string Path { get; }

    public DicomHeader Header { get; }

    public DicomProvenance Provenance => Header.Provenance;

    /// <summary>One image per frame, in frame order (a single-frame instance has one).</summary>
    public IReadOnlyList<GrayImage> Frames { get; }

    public void Dispose()
    {
        foreach (var frame in Frames)
        {
            frame.Dispose();
        }
    }
}
