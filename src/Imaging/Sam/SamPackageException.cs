namespace SamMpa.Imaging.Sam;

/// <summary>
/// A SAM package whose models do not match its sam.json (or the SAM decoder signature). The message lists every
/// difference, one per line; <see cref="Differences"/> holds the same lines.
/// </summary>
public sealed class SamPackageException : Exception
{
    public SamPackageException()
    {
    }

    public SamPackageException(string message)
        : base(message)
    {
    }

    public SamPackageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SamPackageException(string directory, IReadOnlyList<string> differences)
        : base(Format(directory, differences)) => Differences = differences;

    public IReadOnlyList<string> Differences { get; } = [];

    private static string Format(string directory, IReadOnlyList<string> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        return $"SAM package {directory} does not match its {SamPackageManifest.FileName} ({differences.Count} difference(s)):"
            + Environment.NewLine + string.Join(Environment.NewLine, differences);
    }
}
