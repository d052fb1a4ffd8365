using SamMpa.Imaging.Images;
using Xunit.Abstractions;
using static SamMpa.Tests.Images.TestImages;

namespace SamMpa.Tests.Images;

/// <summary>
/// The managed memory one decode takes, per pixel, measured on 4000x4000 PNG files (the figure the README states):
/// the gray image (4 bytes a pixel, sized exactly) plus what each decoder needs on the way.
/// </summary>
public sealed class DecodeMemoryTests(ITestOutputHelper output)
{
    private const int Side = 4000;

    [Theory]
    [InlineData(8, PngGray, 5.0)]
    [InlineData(8, PngRgb, 8.0)]
    [InlineData(8, PngRgba, 8.0)]
    [InlineData(16, PngGray, 4.0)]
    [InlineData(16, PngRgba, 4.0)]
    public void A_decode_allocates_the_measured_bytes_per_pixel_and_no_power_of_two_rounding(int bitDepth, byte colorType, double expectedPerPixel)
    {
        var channels = colorType switch { PngGray => 1, PngRgb => 3, _ => 4 };
        var png = PngOf(("IHDR", Ihdr(Side, Side, bitDepth, colorType)), ("IDAT", ZeroRows(Side, Side * channels * bitDepth / 8)), ("IEND", []));
        using (ImageFile.Decode(png, "warm-up.png", ImageLimits.Default))
        {
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        using var image = ImageFile.Decode(png, "measured.png", ImageLimits.Default);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Beyond the pixels, the 16-bit decoder copies the compressed data once (the file's length) and holds two rows.
        var perPixel = (double)(allocated - (bitDepth == 16 ? png.Length : 0)) / ((long)Side * Side);
        output.WriteLine($"{bitDepth}-bit colour type {colorType}: {allocated:N0} bytes allocated for {Side}x{Side} ({perPixel:F3} bytes a pixel, file {png.Length:N0} bytes)");
        Assert.InRange(perPixel, expectedPerPixel, expectedPerPixel + 0.01);
    }
}
