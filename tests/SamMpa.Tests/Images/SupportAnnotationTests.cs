using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Images;

public sealed class SupportAnnotationTests
{
    [Fact]
    public void An_outline_of_the_images_size_with_target_and_background_is_usable()
    {
        using var mask = Mask(8, 6, filled: 5);

        Assert.Null(SupportAnnotation.Problem(mask, "a.png", 8, 6));
    }

    [Theory]
    [InlineData(8, 6, 0, 8, 6, "annotation is empty (no foreground pixel)")]
    [InlineData(8, 6, 48, 8, 6, "annotation covers every pixel (no background)")]
    [InlineData(4, 6, 5, 8, 6, "annotation is 4x6 but image a.png is 8x6")]
    public void Each_unusable_outline_is_named(int width, int height, int filled, int imageWidth, int imageHeight, string expected)
    {
        using var mask = Mask(width, height, filled);

        Assert.Equal(expected, SupportAnnotation.Problem(mask, "a.png", imageWidth, imageHeight));
    }

    private static GrayImage Mask(int width, int height, int filled)
    {
        var mask = new GrayImage(width, height);
        mask.Pixels[..filled].Fill(1f);
        return mask;
    }
}
