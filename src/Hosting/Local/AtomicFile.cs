namespace SamMpa.Hosting.Local;

/// <summary>
/// Replaces a file all at once: the content goes to a temporary file in the target's folder, is flushed to disk and
/// is then moved over the target. A process killed midway leaves the old file intact and, at worst, a stray
/// temporary file beside it, which readers never open (their names end in <see cref="TemporarySuffix"/>).
/// </summary>
internal static class AtomicFile
{
    public const string TemporarySuffix = ".tmp";

    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = TemporaryPathFor(path);
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                Share = FileShare.None,
                Options = FileOptions.Asynchronous,
                PreallocationSize = content.Length,
            };
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(content, cancellationToken);
                await stream.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            // After a successful move the temporary name no longer exists and this does nothing.
            TryDelete(temporary);
        }
    }

    /// <summary>A fresh temporary name beside <paramref name="path"/>.</summary>
    public static string TemporaryPathFor(string path) => $"{path}~{Guid.NewGuid():N}{TemporarySuffix}";

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file is harmless; the original failure, if any, is the one worth reporting.
        }
    }
}
