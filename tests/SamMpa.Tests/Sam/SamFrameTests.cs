using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.Sam;

public sealed class SamFrameTests
{
    [Theory]
    [InlineData(256, 256)]
    [InlineData(300, 200)]
    [InlineData(123, 457)]
    [InlineData(1500, 1100)]
    public void MaskPromptRoundTripsToTheOriginalGrid(int width, int height)
    {
        using var mask = MaskShapes.Blob(width, height);
        var frame = SamFrame.Of(mask);

        using var lowRes = frame.MaskToLowResLogits(mask);
        using var back = frame.LowResLogitsToOriginal(lowRes);

        Assert.Equal((SamFrame.LowResSize, SamFrame.LowResSize), (lowRes.Width, lowRes.Height));
        Assert.Equal((width, height), (back.Width, back.Height));
        Assert.True(MaskShapes.Dice(back, mask, 0f, 0.5f) >= 0.98, $"Dice {MaskShapes.Dice(back, mask, 0f, 0.5f):F4}");
    }

    [Fact]
    public void SizesFollowTheEncoder()
    {
        foreach (var (w, h) in new[] { (300, 200), (123, 457), (1024, 1024), (2000, 999) })
        {
            var frame = new SamFrame(w, h);
            Assert.Equal(SamImageEncoder.ResizedSize(w, h), (frame.ResizedWidth, frame.ResizedHeight));
            Assert.Equal(1024.0 / Math.Max(w, h), frame.Scale, 12);
        }
    }

    [Fact]
    public void PaddingGetsTheMostNegativeLogitAndInsideTheMostPositive()
    {
        using var mask = MaskShapes.Uniform(300, 200, 1f);
        var frame = SamFrame.Of(mask);

        using var lowRes = frame.MaskToLowResLogits(mask, gain: 1f, limit: 7f);

        // ResizedHeight = 683: low-res rows 0..169 are fully image, 170 is mixed, 171.. are padding.
        Assert.Equal(683, frame.ResizedHeight);
        Assert.All(lowRes.Row(100).ToArray(), v => Assert.Equal(7f, v));
        Assert.All(lowRes.Row(171).ToArray(), v => Assert.Equal(-7f, v));
        Assert.All(lowRes.Row(255).ToArray(), v => Assert.Equal(-7f, v));
        Assert.InRange(lowRes[10, 170], -7f, 7f);
        Assert.True(lowRes.Pixels.ToArray().Min() >= -7f);
    }

    [Fact]
    public void LogitsAreClampedLogOdds()
    {
        using var mask = MaskShapes.Uniform(1024, 1024, 0.75f);
        var frame = SamFrame.Of(mask);

        using var lowRes = frame.MaskToLowResLogits(mask, gain: 2f, limit: 10f);

        Assert.Equal(2f * MathF.Log(3f), lowRes[100, 100], 1e-4f);
        Assert.Throws<ArgumentOutOfRangeException>(() => frame.MaskToLowResLogits(mask, gain: 0f));
    }

    [Fact]
    public void LowResUpsamplingIsPlainBilinearThenCrop()
    {
        // A horizontal ramp of logits u (column index) upsampled by 4 with align_corners=False: value at 1024-column X is
        // (X + 0.5) / 4 - 0.5 (clamped at the left border); 1024x1024 original means no crop and no second resize.
        using var lowRes = new GrayImage(SamFrame.LowResSize, SamFrame.LowResSize);
        for (var y = 0; y < lowRes.Height; y++)
        {
            for (var x = 0; x < lowRes.Width; x++)
            {
                lowRes[x, y] = x;
            }
        }

        var frame = new SamFrame(1024, 1024);
        using var full = frame.LowResLogitsToOriginal(lowRes);

        Assert.Equal(0f, full[0, 5]);
        Assert.Equal(0f, full[1, 5]);
        Assert.Equal(0.125f, full[2, 5], 1e-5f);
        Assert.Equal(((400 + 0.5f) / 4) - 0.5f, full[400, 700], 1e-4f);
        Assert.Equal(255f, full[1023, 0]);
    }

    [Fact]
    public void ToInputAndBackLandsOnTheSamePixel()
    {
        var frame = new SamFrame(123, 457);
        for (var x = 0; x < 123; x += 7)
        {
            for (var y = 0; y < 457; y += 11)
            {
                var (ix, iy) = frame.ToInput(x, y);
                var (bx, by) = frame.FromInput(ix, iy);
                Assert.Equal(x, bx, 1e-3f);
                Assert.Equal(y, by, 1e-3f);
                Assert.Equal(x * frame.ResizedWidth / 123f, ix, 1e-3f);
                Assert.Equal(y * 1024f / 457f, iy, 1e-3f);
            }
        }
    }
}
