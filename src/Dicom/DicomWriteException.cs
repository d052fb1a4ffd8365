namespace SamMpa.Dicom;

/// <summary>
/// A DICOM object cannot be written from what was given: a mask that does not fit its source instance, or a source
/// without an attribute the object must copy. The message names the source instance and says what is wrong.
/// </summary>
public sealed class DicomWriteException : Exception
{
    public DicomWriteException(string source, string reason)
        : base($"{source}: {reason}")
    {
        SourceInstance = source;
        Reason = reason;
    }

    public DicomWriteException(string source, string reason, Exception innerException)
        : base($"{source}: {reason}", innerException)
    {
        SourceInstance = source;
        Reason = reason;
    }

    /// <summary>The source instance (its file or name) as the caller gave it.</summary>
    public string SourceInstance { get; }

    /// <summary>What is wrong, without the name.</summary>
    public string Reason { get; }
}
