using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Images;

public sealed class WorkingGeometryTests
{
    [Theory]
    [InlineData(300, 217, 11)]
    [InlineData(560, 470, 12)]
    [InlineData(190, 1000, 13)]
    public void MaskThroughWorkingSizeAndBackDiffersOnlyAtTheBoundary(int width, int height, int seed)
    {
        using var mask = SmoothBlobs(width, height, seed);
        var geometry = WorkingGeometry.For(mask);
        Assert.Equal(new WorkingGeometry(width, height, 256, 256), geometry);

        using var soft = geometry.MaskToWorking(mask);
        using var back = geometry.ToOriginal(soft);

        Assert.Equal((width, height), (back.Width, back.Height));
        var differing = 0;
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var label = mask[x, y];
                if ((back[x, y] > 0.5f ? 1f : 0f) != label)
                {
                    differing++;
                    Assert.True(HasNeighbourLabelled(mask, x, y, 1f - label), $"pixel ({x},{y}) differs away from the boundary");
                }
            }
        }

        var foreground = mask.Pixels.ToArray().Count(v => v == 1f);
        Assert.InRange(foreground, mask.Length / 20, mask.Length * 19 / 20);
        Assert.True(differing < foreground / 10, $"{differing} differing pixels");
    }

    [Fact]
    public void WrongSizesAreRejectedNamingBothSizes()
    {
        using var image = new GrayImage(300, 200);
        using var other = new GrayImage(200, 300);
        var geometry = WorkingGeometry.For(image, 128);

        var error = Assert.Throws<ArgumentException>(() => geometry.ToWorking(other));
        Assert.Contains("300x200", error.Message, StringComparison.Ordinal);
        Assert.Contains("200x300", error.Message, StringComparison.Ordinal);

        Assert.Throws<ArgumentException>(() => geometry.MaskToWorking(other));
        var back = Assert.Throws<ArgumentException>(() => geometry.ToOriginal(image));
        Assert.Contains("128x128", back.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToWorkingGivesTheWorkingSize()
    {
        using var image = ResamplerTests.RandomImage(300, 217, seed: 2);
        var geometry = WorkingGeometry.For(image);

        using var working = geometry.ToWorking(image);

        Assert.Equal((256, 256), (working.Width, working.Height));
        Assert.All(working.Pixels.ToArray(), v => Assert.InRange(v, 0f, 255f));
    }

    private static bool HasNeighbourLabelled(GrayImage mask, int x, int y, float label)
    {
        for (var dy = -1; dy <= 1; dy++)
        {
            for (var dx = -1; dx <= 1; dx++)
            {
                int nx = x + dx, ny = y + dy;
                if (nx >= 0 && ny >= 0 && nx < mask.Width && ny < mask.Height && mask[nx, ny] == label)
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>A 0/1 mask with a smooth boundary: a thresholded sum of a few wide Gaussian bumps.</summary>
    private static GrayImage SmoothBlobs(int width, int height, int seed)
    {
        var random = new Random(seed);
        var size = Math.Min(width, height);
        var bumps = Enumerable.Range(0, 4)
            .Select(_ => (X: random.NextDouble() * width, Y: random.NextDouble() * height, Sigma: size * (0.12 + (0.08 * random.NextDouble()))))
            .ToArray();

        var mask = new GrayImage(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var field = bumps.Sum(b => Math.Exp(-(((x - b.X) * (x - b.X)) + ((y - b.Y) * (y - b.Y))) / (2 * b.Sigma * b.Sigma)));
                mask[x, y] = field > 0.5 ? 1f : 0f;
            }
        }

        return mask;
    }
}
