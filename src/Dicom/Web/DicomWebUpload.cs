namespace SamMpa.Dicom.Web;

/// <summary>
/// One Part-10 instance to store with STOW-RS: a name for reports (a file path, a blob name) and how to open its
/// bytes, opened only while the request is sent so that files are streamed, never held together in memory.
/// </summary>
public sealed class DicomWebUpload
{
    private DicomWebUpload(string name, Func<Stream> open, string? sopInstanceUid)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        Open = open;
        SopInstanceUid = sopInstanceUid;
    }

    /// <summary>What the upload is called in results and errors.</summary>
    public string Name { get; }

    /// <summary>The SOP Instance UID when the caller knows it (a segmentation just written); else read from the file meta.</summary>
    public string? SopInstanceUid { get; }

    internal Func<Stream> Open { get; }

    /// <summary>The Part-10 file at <paramref name="path"/>, named by its path.</summary>
    public static DicomWebUpload FromFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return new DicomWebUpload(path, () => new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true), null);
    }

    /// <summary>A Part-10 instance held in memory.</summary>
    public static DicomWebUpload FromBytes(string name, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new DicomWebUpload(name, () => new MemoryStream(content, writable: false), null);
    }

    /// <summary>A segmentation <see cref="DicomSegWriter"/> wrote, named <paramref name="name"/> (its blob name, say).</summary>
    public static DicomWebUpload FromSegmentation(string name, DicomSegInstance segmentation)
    {
        ArgumentNullException.ThrowIfNull(segmentation);
        return new DicomWebUpload(name, () => new MemoryStream(segmentation.Content, writable: false), segmentation.SopInstanceUid);
    }
}
