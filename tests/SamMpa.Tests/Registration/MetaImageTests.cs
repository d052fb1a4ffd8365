using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;
using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Registration;

public sealed class MetaImageTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sammpa-mha-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void WriteThenReadGivesTheSamePixels()
    {
        using var image = new GrayImage(37, 23);
        var random = new Random(7);
        for (var i = 0; i < image.Length; i++)
        {
            image.Pixels[i] = (float)((random.NextDouble() * 300) - 20);
        }

        var path = Path.Combine(_folder, "round.mha");
        MetaImage.Write(image, path);
        using var read = MetaImage.Read(path);

        Assert.Equal(37, read.Width);
        Assert.Equal(23, read.Height);
        Assert.True(image.Pixels.SequenceEqual(read.Pixels));
        var header = Encoding.ASCII.GetString(File.ReadAllBytes(path).AsSpan(0, 400));
        Assert.Contains("ElementType = MET_FLOAT", header, StringComparison.Ordinal);
        Assert.Contains("DimSize = 37 23", header, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsHandcraftedUnsignedCharFile()
    {
        byte[] data = [0, 1, 2, 127, 128, 255];
        var path = Handcraft("uchar.mha", "MET_UCHAR", 3, 2, data);

        using var image = MetaImage.Read(path);

        Assert.Equal(3, image.Width);
        Assert.Equal(2, image.Height);
        Assert.Equal([0f, 1f, 2f, 127f, 128f, 255f], image.Pixels.ToArray());
        Assert.Equal(127f, image[0, 1]);
    }

    [Fact]
    public void ReadsHandcraftedShortFile()
    {
        short[] values = [-300, -1, 0, 1, 1000, short.MaxValue, short.MinValue, 42];
        var path = Handcraft("short.mha", "MET_SHORT", 4, 2, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

        using var image = MetaImage.Read(path);

        Assert.Equal(4, image.Width);
        Assert.Equal(2, image.Height);
        Assert.Equal(values.Select(v => (float)v).ToArray(), image.Pixels.ToArray());
    }

    [Fact]
    public void ReadsHandcraftedDoubleFile()
    {
        double[] values = [0.25, 0.5, 0.75, 1.0];
        var path = Handcraft("double.mha", "MET_DOUBLE", 2, 2, MemoryMarshal.AsBytes(values.AsSpan()).ToArray());

        using var image = MetaImage.Read(path);

        Assert.Equal([0.25f, 0.5f, 0.75f, 1.0f], image.Pixels.ToArray());
    }

    [Fact]
    public void ReadsZlibCompressedData()
    {
        ushort[] values = [1, 2, 3, 60000, 5, 6];
        var raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        using var packed = new MemoryStream();
        using (var zlib = new ZLibStream(packed, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var path = Handcraft("zlib.mha", "MET_USHORT", 3, 2, packed.ToArray(), compressed: true);

        using var image = MetaImage.Read(path);

        Assert.Equal(values.Select(v => (float)v).ToArray(), image.Pixels.ToArray());
    }

    [Fact]
    public void TruncatedFileThrowsInvalidDataNamingTheFile()
    {
        using var image = new GrayImage(16, 16);
        var path = Path.Combine(_folder, "truncated.mha");
        MetaImage.Write(image, path);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length - 10);
        }

        var error = Assert.Throws<InvalidImageException>(() => MetaImage.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void UnsupportedElementTypeThrowsInvalidDataNamingTheFile()
    {
        var path = Handcraft("long.mha", "MET_LONG_LONG", 1, 1, new byte[8]);

        var error = Assert.Throws<InvalidImageException>(() => MetaImage.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("MET_LONG_LONG", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HeaderWithoutDataFileThrowsInvalidData()
    {
        var path = Path.Combine(_folder, "header-only.mha");
        File.WriteAllText(path, "ObjectType = Image\nNDims = 2\nDimSize = 2 2\n");

        var error = Assert.Throws<InvalidImageException>(() => MetaImage.Read(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    private string Handcraft(string name, string elementType, int width, int height, byte[] data, bool compressed = false)
    {
        var path = Path.Combine(_folder, name);
        var header =
            "ObjectType = Image\r\nNDims = 2\r\nBinaryData = True\r\nBinaryDataByteOrderMSB = False\r\n" +
            $"CompressedData = {(compressed ? "True" : "False")}\r\n" +
            (compressed ? $"CompressedDataSize = {data.Length}\r\n" : string.Empty) +
            $"ElementSpacing = 1 1\r\nDimSize = {width} {height}\r\nElementType = {elementType}\r\nElementDataFile = LOCAL\r\n";
        using var stream = File.Create(path);
        stream.Write(Encoding.ASCII.GetBytes(header));
        stream.Write(data);
        return path;
    }
}
