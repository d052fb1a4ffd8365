namespace SamMpa.Imaging.Images;

/// <summary>
/// A file exists but cannot be used as an image (corrupt, truncated, empty or of an unsupported format).
/// The message always names the file and says what is wrong.
/// </summary>
public sealed class InvalidImageException : Exception
{
    public InvalidImageException(string path, string problem)
        : base($"{path}: {problem}")
    {
        Path = path;
    }

    public InvalidImageException(string path, string problem, Exception innerException)
        : base($"{path}: {problem}", innerException)
    {
        Path = path;
    }

    /// <summary>The path of the offending file, as given by the caller.</summary>
    public string Path { get; }
}
