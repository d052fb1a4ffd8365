namespace SamMpa.Bench;

/// <summary>A fresh folder under the temp directory, deleted with everything in it on dispose.</summary>
public sealed class TemporaryFolder(string prefix) : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the system's temp cleanup; the figures do not depend on it.
        }
    }
}
