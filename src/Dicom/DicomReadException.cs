namespace SamMpa.Dicom;

/// <summary>
/// A DICOM file cannot be read as grey images: not Part-10, truncated, without pixel data, of a transfer syntax or
/// pixel format the product does not read, above the size limits, or a decompressor failed. The message names the
/// file and says what is wrong.
/// </summary>
public sealed class DicomReadException : Exception
{
    public DicomReadException(string path, string reason)
        : base($"{path}: {reason}")
    {
        Path = path;
        Reason = reason;
    }

    public DicomReadException(string path, string reason, Exception innerException)
        : base($"{path}: {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file (or instance name) as the caller gave it.</summary>
    public string Path { get; }

    /// <summary>What is wrong, without the name.</summary>
    public string Reason { get; }
}
