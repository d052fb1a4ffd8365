using SamMpa.Imaging.Images;
using SkiaSharp;

namespace SamMpa.Tests.Images;

public sealed class MaskOverlayTests : IDisposable
{
    private const int Size = 12;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Outline_pixels_get_the_mask_colours_and_every_other_pixel_keeps_its_gray_value()
    {
        using var image = GradientImage();
        using var coarse = Square(2, 9); // outline: x or y at 2 or 9
        using var final = Square(4, 7); // outline: x or y at 4 or 7; interior 5..6
        var path = _folder.File("overlay.png");

        MaskOverlay.WritePng(image, coarse, final, path);

        using var overlay = SKBitmap.Decode(path);
        Assert.Equal((Size, Size), (overlay.Width, overlay.Height));
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var expected = OnSquareOutline(x, y, 2, 9) ? MaskOverlay.CoarseColor
                    : OnSquareOutline(x, y, 4, 7) ? MaskOverlay.FinalColor
                    : GrayOf(image[x, y]);
                Assert.True(expected == overlay.GetPixel(x, y), $"pixel ({x},{y}): expected {expected}, got {overlay.GetPixel(x, y)}");
            }
        }

        // The spots the assertion above covers, by name: both outlines, the interiors and the background.
        Assert.Equal(MaskOverlay.CoarseColor, overlay.GetPixel(2, 5));
        Assert.Equal(MaskOverlay.FinalColor, overlay.GetPixel(4, 5));
        Assert.Equal(GrayOf(image[5, 5]), overlay.GetPixel(5, 5));
        Assert.Equal(GrayOf(image[3, 3]), overlay.GetPixel(3, 3));
        Assert.Equal(GrayOf(image[0, 0]), overlay.GetPixel(0, 0));
        Assert.Equal([path], Directory.GetFileSystemEntries(_folder.Path));
    }

    [Fact]
    public void Without_masks_the_overlay_is_the_gray_image_and_a_mask_at_the_border_is_outlined_there()
    {
        using var image = GradientImage();
        using var full = Square(0, Size - 1);

        using var plain = SKBitmap.Decode(MaskOverlay.EncodePng(image, coarse: null, final: null));
        using var bordered = SKBitmap.Decode(MaskOverlay.EncodePng(image, coarse: null, final: full));

        Assert.Equal(GrayOf(image[0, 0]), plain.GetPixel(0, 0));
        Assert.Equal(GrayOf(image[7, 3]), plain.GetPixel(7, 3));
        Assert.Equal(MaskOverlay.FinalColor, bordered.GetPixel(0, 5));
        Assert.Equal(MaskOverlay.FinalColor, bordered.GetPixel(Size - 1, Size - 1));
        Assert.Equal(GrayOf(image[5, 5]), bordered.GetPixel(5, 5));
    }

    [Fact]
    public void A_comparison_outlines_the_truth_in_green_over_the_mask_in_its_stage_colour()
    {
        using var image = GradientImage();
        using var truth = Square(2, 9);
        using var mask = Square(2, 7); // shares the truth's left and top edges

        using var overlay = SKBitmap.Decode(MaskOverlay.EncodeComparisonPng(image, truth, mask, MaskOverlay.CoarseColor));

        Assert.Equal(MaskOverlay.TruthColor, overlay.GetPixel(9, 5));
        Assert.Equal(MaskOverlay.CoarseColor, overlay.GetPixel(7, 5));
        Assert.Equal(MaskOverlay.TruthColor, overlay.GetPixel(2, 5)); // where both meet, the truth shows
        Assert.Equal(GrayOf(image[5, 5]), overlay.GetPixel(5, 5));
    }

    [Fact]
    public void A_mask_of_another_size_is_an_argument_error_naming_both_sizes()
    {
        using var image = GradientImage();
        using var small = new GrayImage(5, 4);

        var error = Assert.Throws<ArgumentException>(() => MaskOverlay.WritePng(image, coarse: null, final: small, _folder.File("x.png")));

        Assert.Contains("5x4", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{Size}x{Size}", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(_folder.Path));
    }

    private static GrayImage GradientImage()
    {
        var image = new GrayImage(Size, Size);
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                image[x, y] = 20 + (17 * x) + (3 * y) + 0.3f;
            }
        }

        return image;
    }

    private static GrayImage Square(int from, int to)
    {
        var mask = new GrayImage(Size, Size);
        for (var y = from; y <= to; y++)
        {
            for (var x = from; x <= to; x++)
            {
                mask[x, y] = 1f;
            }
        }

        return mask;
    }

    private static bool OnSquareOutline(int x, int y, int from, int to) =>
        x >= from && x <= to && y >= from && y <= to && (x == from || x == to || y == from || y == to);

    private static SKColor GrayOf(float value)
    {
        var level = (byte)MathF.Round(value);
        return new SKColor(level, level, level);
    }
}
