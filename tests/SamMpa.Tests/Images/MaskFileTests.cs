using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Images;

public sealed class MaskFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void WritePngWritesOnly0And255AndLeavesNoTemporaryFiles()
    {
        using var mask = new GrayImage(20, 10);
        for (var i = 0; i < mask.Length; i++)
        {
            mask.Pixels[i] = i % 7 / 6f;
        }

        var path = _folder.File("mask.png");
        MaskFile.WritePng(mask, path);
        MaskFile.WritePng(mask, path, threshold: 0.9f); // overwrite an existing file

        using var read = ImageFile.Read(path);
        for (var i = 0; i < mask.Length; i++)
        {
            Assert.Equal(mask.Pixels[i] > 0.9f ? 255f : 0f, read.Pixels[i]);
        }

        Assert.Equal([path], Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void WriteGrayPngClampsAndRounds()
    {
        using var image = new GrayImage(4, 1);
        float[] values = [-10f, 12.6f, 254.4f, 300f];
        values.CopyTo(image.Pixels);

        var path = _folder.File("gray.png");
        MaskFile.WriteGrayPng(image, path);

        using var read = ImageFile.Read(path);
        Assert.Equal([0f, 13f, 254f, 255f], read.Pixels.ToArray());
        Assert.Equal([path], Directory.GetFileSystemEntries(_folder.Path));
    }
}
