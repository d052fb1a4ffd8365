using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Images;

public sealed class ResamplerTests
{
    [Theory]
    [InlineData(50, 40, 256, 256)]
    [InlineData(560, 470, 256, 256)]
    [InlineData(190, 1000, 256, 256)]
    [InlineData(1000, 1000, 17, 33)]
    public void ConstantImageStaysConstant(int width, int height, int targetWidth, int targetHeight)
    {
        using var image = new GrayImage(width, height);
        image.Pixels.Fill(123.25f);

        using var bilinear = Resampler.Bilinear(image, targetWidth, targetHeight);
        using var nearest = Resampler.Nearest(image, targetWidth, targetHeight);

        Assert.Equal((targetWidth, targetHeight), (bilinear.Width, bilinear.Height));
        Assert.All(bilinear.Pixels.ToArray(), v => Assert.Equal(123.25f, v, 1e-3f));
        Assert.All(nearest.Pixels.ToArray(), v => Assert.Equal(123.25f, v));
    }

    [Fact]
    public void NearestUpsampleTwiceThenDownsampleReturnsOriginal()
    {
        using var image = RandomImage(31, 17, seed: 1);

        using var up = Resampler.Nearest(image, 62, 34);
        using var down = Resampler.Nearest(up, 31, 17);

        Assert.Equal(image.Pixels.ToArray(), down.Pixels.ToArray());
    }

    [Fact]
    public void BilinearUsesPixelCentres()
    {
        using var image = new GrayImage(2, 1);
        image[0, 0] = 0f;
        image[1, 0] = 100f;

        // Like cv2.resize(INTER_LINEAR): 2 -> 4 samples at -0.25, 0.25, 0.75, 1.25, clamped at the borders.
        using var up = Resampler.Bilinear(image, 4, 1);

        Assert.Equal([0f, 25f, 75f, 100f], up.Pixels.ToArray());
    }

    [Fact]
    public void BilinearDownscaleAveragesFineDetailInsteadOfAliasing()
    {
        // A one-pixel checkerboard shrunk 4x must come out near its mean, not as one of its two values.
        using var image = new GrayImage(400, 400);
        for (var y = 0; y < 400; y++)
        {
            for (var x = 0; x < 400; x++)
            {
                image[x, y] = (x + y) % 2 == 0 ? 0f : 200f;
            }
        }

        using var small = Resampler.Bilinear(image, 100, 100);

        Assert.All(small.Pixels.ToArray(), v => Assert.InRange(v, 60f, 140f));
    }

    internal static GrayImage RandomImage(int width, int height, int seed)
    {
        var random = new Random(seed);
        var image = new GrayImage(width, height);
        foreach (ref var value in image.Pixels)
        {
            value = random.Next(256);
        }

        return image;
    }
}
