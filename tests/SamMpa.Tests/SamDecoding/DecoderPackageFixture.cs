using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.SamDecoding;

/// <summary>One fixture SAM package (analytic decoder) in a temporary directory per test class, and a decoder over it.</summary>
public sealed class DecoderPackageFixture : IDisposable
{
    public DecoderPackageFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"sam-decoding-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
        SamFixtureBuilder.WritePackage(Directory);
        Package = Imaging.Sam.SamPackage.Load(Directory);
        Decoder = new SamDecoder(Package);
    }

    public string Directory { get; }

    public Imaging.Sam.SamPackage Package { get; }

    public SamDecoder Decoder { get; }

    /// <summary>Any embedding of the right length: the analytic decoder ignores it.</summary>
    public static float[] Embedding() => new float[256 * 64 * 64];

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
