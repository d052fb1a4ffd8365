using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.SamPackage;

/// <summary>A fixture SAM package in a fresh temporary directory, deleted on dispose.</summary>
internal sealed class TempPackage : IDisposable
{
    public TempPackage(bool write = true)
    {
        Directory = Path.Combine(Path.GetTempPath(), $"sam-package-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        if (write)
        {
            SamFixtureBuilder.WritePackage(Directory);
        }
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
