namespace SamMpa.Dicom.Import;

/// <summary>
/// Which files of a folder are DICOM instances: a <c>.dcm</c> file (whatever it holds: a bad one is then refused by
/// name rather than passed over), or a file without an extension that starts with the Part-10 preamble and "DICM",
/// as PACS exports often name them.
/// </summary>
public static class DicomFiles
{
    public const string Extension = ".dcm";

    private const int PreambleLength = 128;

    public static bool IsDicomName(string path) => string.Equals(Path.GetExtension(path), Extension, StringComparison.OrdinalIgnoreCase);

    /// <summary>The folder's DICOM files, in ordinal name order.</summary>
    public static IReadOnlyList<string> List(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(IsDicom)
            .Order(StringComparer.Ordinal)
            .ToArray();

    public static bool IsDicom(string path)
    {
        if (IsDicomName(path))
        {
            return true;
        }

        if (Path.GetExtension(path).Length > 0)
        {
            return false;
        }

        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> head = stackalloc byte[PreambleLength + 4];
            return stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head[PreambleLength..].SequenceEqual("DICM"u8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // An unreadable file without an extension is not taken for an instance; a named one would be refused by name.
            return false;
        }
    }

    /// <summary>The image name of <paramref name="frame"/> (0-based) of an instance of <paramref name="frames"/> frames read from <paramref name="sourceFile"/>.</summary>
    public static string ImageName(string sourceFile, int frame, int frames)
    {
        var stem = Path.GetFileNameWithoutExtension(sourceFile);
        if (frames <= 1)
        {
            return $"{stem}.png";
        }

        var digits = Math.Max(3, frames.ToString(System.Globalization.CultureInfo.InvariantCulture).Length);
        return $"{stem}-f{(frame + 1).ToString($"D{digits}", System.Globalization.CultureInfo.InvariantCulture)}.png";
    }
}
