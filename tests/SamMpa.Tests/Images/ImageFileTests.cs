using SamMpa.Imaging.Images;
using SkiaSharp;

namespace SamMpa.Tests.Images;

public sealed class ImageFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Gray8PngRoundTripsThroughWriteGrayPng()
    {
        using var image = new GrayImage(37, 23);
        for (var i = 0; i < image.Length; i++)
        {
            image.Pixels[i] = (i * 7) % 256;
        }

        var path = _folder.File("gray.png");
        MaskFile.WriteGrayPng(image, path);

        using var read = ImageFile.Read(path);
        Assert.Equal((37, 23), (read.Width, read.Height));
        Assert.Equal(image.Pixels.ToArray(), read.Pixels.ToArray());
        Assert.Equal((37, 23), ImageFile.ReadSize(path));
    }

    [Fact]
    public void Gray16PngKeepsPrecision()
    {
        ushort[] values = [0, 1, 257, 32768 + 129, 65534, 65535];
        var path = _folder.File("gray16.png");
        TestImages.WritePng(path, values.Length, 1, 16, TestImages.PngGray, values);

        using var read = ImageFile.Read(path);
        for (var x = 0; x < values.Length; x++)
        {
            Assert.Equal(values[x] / 257f, read[x, 0], 1e-3f);
        }
    }

    [Fact]
    public void Rgb16PngKeepsPrecisionAndUsesLuminance()
    {
        ushort[] samples = [1000, 1000, 1000, 65535, 0, 0, 12345, 40000, 777];
        var path = _folder.File("rgb16.png");
        TestImages.WritePng(path, 3, 1, 16, TestImages.PngRgb, samples);

        using var read = ImageFile.Read(path);
        Assert.Equal(1000 / 257f, read[0, 0], 1e-3f);
        Assert.Equal(0.299f * 65535 / 257f, read[1, 0], 1e-2f);
        Assert.Equal(((0.299f * 12345) + (0.587f * 40000) + (0.114f * 777)) / 257f, read[2, 0], 1e-2f);
    }

    [Theory]
    [InlineData(TestImages.PngGray, 1)]
    [InlineData(TestImages.PngGrayAlpha, 2)]
    [InlineData(TestImages.PngRgba, 4)]
    public void FilteredSixteenBitPngsDecodeExactly(byte colorType, int channels)
    {
        const int width = 23, height = 11;
        var random = new Random(colorType);
        var gray = new ushort[width * height];
        var samples = new ushort[gray.Length * channels];
        for (var i = 0; i < gray.Length; i++)
        {
            gray[i] = (ushort)random.Next(65536);
            for (var c = 0; c < channels; c++)
            {
                // Colour channels repeat the gray value; alpha (last of 2 or 4) is random.
                samples[(i * channels) + c] = channels % 2 == 0 && c == channels - 1 ? (ushort)random.Next(65536) : gray[i];
            }
        }

        var path = _folder.File($"filtered16_{colorType}.png");
        TestImages.WritePng(path, width, height, 16, colorType, samples, cycleFilters: true);

        using var read = ImageFile.Read(path);
        Assert.Equal((width, height), ImageFile.ReadSize(path));
        for (var i = 0; i < gray.Length; i++)
        {
            Assert.Equal(gray[i] / 257f, read.Pixels[i], 1e-3f);
        }
    }

    [Theory]
    [InlineData(13, 11)]
    [InlineData(3, 2)]
    public void InterlacedSixteenBitPngDecodesExactly(int width, int height)
    {
        var samples = new ushort[width * height];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (ushort)((i * 4099) + 1);
        }

        var path = _folder.File("interlaced16.png");
        TestImages.WriteInterlacedGray16Png(path, width, height, samples);

        using var read = ImageFile.Read(path);
        for (var i = 0; i < samples.Length; i++)
        {
            Assert.Equal(samples[i] / 257f, read.Pixels[i], 1e-3f);
        }
    }

    [Fact]
    public void FilteredEightBitPngDecodesExactly()
    {
        var samples = new ushort[31 * 9 * 3];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = (ushort)((i / 3 * 37) % 256);
        }

        var path = _folder.File("filtered8.png");
        TestImages.WritePng(path, 31, 9, 8, TestImages.PngRgb, samples, cycleFilters: true);

        using var read = ImageFile.Read(path);
        for (var i = 0; i < read.Length; i++)
        {
            Assert.Equal(samples[i * 3], read.Pixels[i]);
        }
    }

    [Fact]
    public void TruncatedSixteenBitPngIsAnInvalidImage() =>
        AssertTruncatedGrayPngIsNamed(16, i => (ushort)(i * 977), "truncated16.png");

    [Fact]
    public void RgbaPngIsReadAsGrayOfItsColoursIgnoringAlpha()
    {
        // Pixels: gray with alpha 0, colour with alpha 0, colour half transparent, opaque gray.
        ushort[] samples = [200, 200, 200, 0, 10, 220, 90, 0, 255, 128, 0, 128, 33, 33, 33, 255];
        var path = _folder.File("rgba.png");
        TestImages.WritePng(path, 4, 1, 8, TestImages.PngRgba, samples);

        using var read = ImageFile.Read(path);
        Assert.Equal(200f, read[0, 0]);
        Assert.Equal((0.299f * 10) + (0.587f * 220) + (0.114f * 90), read[1, 0], 1e-3f);
        Assert.Equal((0.299f * 255) + (0.587f * 128), read[2, 0], 1e-3f);
        Assert.Equal(33f, read[3, 0]);
    }

    [Fact]
    public void GrayAlphaPngIgnoresAlpha()
    {
        ushort[] samples = [17, 0, 250, 100];
        var path = _folder.File("graya.png");
        TestImages.WritePng(path, 2, 1, 8, TestImages.PngGrayAlpha, samples);

        using var read = ImageFile.Read(path);
        Assert.Equal(17f, read[0, 0]);
        Assert.Equal(250f, read[1, 0]);
    }

    [Fact]
    public void RgbPngWithUnequalChannelsGivesLuminance()
    {
        ushort[] samples = [255, 0, 0, 0, 255, 0, 0, 0, 255, 77, 77, 77];
        var path = _folder.File("rgb.png");
        TestImages.WritePng(path, 4, 1, 8, TestImages.PngRgb, samples);

        using var read = ImageFile.Read(path);
        Assert.Equal(0.299f * 255, read[0, 0], 1e-3f);
        Assert.Equal(0.587f * 255, read[1, 0], 1e-3f);
        Assert.Equal(0.114f * 255, read[2, 0], 1e-3f);
        Assert.Equal(77f, read[3, 0]);
    }

    [Fact]
    public void BmpIsRead()
    {
        var path = _folder.File("image.BMP");
        TestImages.WriteBmp24(path, 5, 3, (x, y) => x == 0 ? ((byte)255, (byte)0, (byte)0) : ((byte)(x * 40), (byte)(x * 40), (byte)(x * 40)));

        using var read = ImageFile.Read(path);
        Assert.Equal((5, 3), (read.Width, read.Height));
        Assert.Equal(0.299f * 255, read[0, 2], 1e-3f);
        Assert.Equal(160f, read[4, 1]);
    }

    [Fact]
    public void JpegIsReadApproximately()
    {
        var path = _folder.File("image.jpg");
        using (var bitmap = new SKBitmap(new SKImageInfo(32, 16, SKColorType.Rgba8888, SKAlphaType.Opaque)))
        {
            for (var y = 0; y < 16; y++)
            {
                for (var x = 0; x < 32; x++)
                {
                    bitmap.SetPixel(x, y, x < 16 ? new SKColor(60, 60, 60) : new SKColor(0, 200, 0));
                }
            }

            using var data = bitmap.Encode(SKEncodedImageFormat.Jpeg, 95);
            File.WriteAllBytes(path, data.ToArray());
        }

        using var read = ImageFile.Read(path);
        Assert.Equal((32, 16), (read.Width, read.Height));
        Assert.Equal(60f, read[4, 8], 4f);
        Assert.Equal(0.587f * 200, read[28, 8], 6f);
    }

    [Fact]
    public void ReadMaskGivesZeroAndOne()
    {
        ushort[] samples = [0, 1, 128, 255];
        var path = _folder.File("mask.png");
        TestImages.WritePng(path, 4, 1, 8, TestImages.PngGray, samples);

        using var mask = ImageFile.ReadMask(path);
        Assert.Equal([0f, 1f, 1f, 1f], mask.Pixels.ToArray());
    }

    [Fact]
    public void RandomBytesAreAnInvalidImageNamingTheFile()
    {
        var path = _folder.File("benign_0002.png");
        var bytes = new byte[500];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.Read(path));
        Assert.Contains("benign_0002.png", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Path);
        Assert.Throws<InvalidImageException>(() => ImageFile.ReadSize(path));
    }

    [Fact]
    public void TruncatedPngIsAnInvalidImageNamingTheFile() =>
        AssertTruncatedGrayPngIsNamed(8, i => (ushort)((i * 31) % 256), "truncated_0007.png");

    [Fact]
    public void EmptyFileIsAnInvalidImage()
    {
        var path = _folder.File("empty.png");
        File.WriteAllBytes(path, []);

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.Read(path));
        Assert.Contains("empty.png", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsFileNotFound()
    {
        var path = _folder.File("missing.png");

        var error = Assert.Throws<FileNotFoundException>(() => ImageFile.Read(path));
        Assert.Contains("missing.png", error.Message, StringComparison.Ordinal);
        Assert.Throws<FileNotFoundException>(() => ImageFile.ReadSize(path));
    }

    [Fact]
    public void SupportedExtensionsIgnoreCase()
    {
        Assert.Contains(".PNG", ImageFile.SupportedExtensions);
        Assert.Contains(".jpeg", ImageFile.SupportedExtensions);
        Assert.Contains(".Bmp", ImageFile.SupportedExtensions);
        Assert.DoesNotContain(".tif", ImageFile.SupportedExtensions);
    }

    /// <summary>
    /// Writes a 64x64 gray PNG of <paramref name="bitDepth"/> bits with the samples <paramref name="sample"/> gives (by
    /// index), keeps the first half of its bytes as <paramref name="name"/> and asserts reading that is an error naming it.
    /// </summary>
    private void AssertTruncatedGrayPngIsNamed(int bitDepth, Func<int, ushort> sample, string name)
    {
        var samples = new ushort[64 * 64];
        for (var i = 0; i < samples.Length; i++)
        {
            samples[i] = sample(i);
        }

        var whole = _folder.File($"whole{bitDepth}.png");
        TestImages.WritePng(whole, 64, 64, bitDepth, TestImages.PngGray, samples);
        var bytes = File.ReadAllBytes(whole);
        var path = _folder.File(name);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.Read(path));
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }
}
