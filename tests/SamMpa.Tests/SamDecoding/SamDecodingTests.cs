using SamMpa.Imaging.Images;
using SamMpa.Imaging.Sam;
using SamMpa.Tests.Sam;

namespace SamMpa.Tests.SamDecoding;

public sealed class SamDecodingTests(DecoderPackageFixture fixture) : IClassFixture<DecoderPackageFixture>
{
    private const float A = SamFixtureBuilder.Amplitude;

    private SamDecoder Decoder => fixture.Decoder;

    [Theory]
    [InlineData(256, 256)]
    [InlineData(300, 200)]
    [InlineData(123, 457)]
    public void Mask_prompt_round_trips_to_the_original_grid(int width, int height)
    {
        using var coarse = MaskShapes.Blob(width, height);
        var prompt = PromptGenerator.FromCoarseMask(coarse, new PromptOptions { UsePoints = false, UseBox = false });
        Assert.NotNull(prompt);
        using var maskInput = prompt.MaskInput;
        Assert.NotNull(maskInput);
        Assert.Empty(prompt.Points);

        using var final = SamSegmenter.Segment(Decoder, DecoderPackageFixture.Embedding(), prompt, refine: 0);

        Assert.Equal((width, height), (final.Width, final.Height));
        var dice = MaskShapes.Dice(final, coarse, 0f, 0.5f);
        Assert.True(dice >= 0.98, $"Dice {dice:F4} for {width}x{height}");
    }

    [Theory]
    [InlineData(256, 256, 100, 150)]
    [InlineData(300, 200, 211, 57)]
    [InlineData(123, 457, 40, 333)]
    public void Foreground_point_lands_on_its_original_pixel(int width, int height, int px, int py)
    {
        var frame = new SamFrame(width, height);
        var (ix, iy) = frame.ToInput(px, py);
        var prompt = new SamPrompt { Frame = frame, Points = [(ix, iy, SamPrompt.Foreground)] };

        using var low = Decoder.Decode(DecoderPackageFixture.Embedding(), prompt, maskInput: null);
        Assert.Equal((SamFrame.LowResSize, SamFrame.LowResSize), (low.Width, low.Height));
        using var final = SamSegmenter.Segment(Decoder, DecoderPackageFixture.Embedding(), prompt, refine: 0);

        Assert.Equal((width, height), (final.Width, final.Height));
        var (x, y, max) = ArgMax(final);
        Assert.True(Math.Abs(x - px) <= 1 && Math.Abs(y - py) <= 1, $"argmax ({x}, {y}) for point ({px}, {py}) in {width}x{height}");
        Assert.True(max > 0.9f * A, $"peak {max}");
        Assert.True(final[0, 0] < 0.05f * A, $"far corner {final[0, 0]}");
    }

    [Fact]
    public void Box_corners_arrive_as_labels_2_and_3_and_both_give_positive_bumps()
    {
        const int width = 300, height = 200;
        using var rect = MaskShapes.Rectangle(width, height, 60, 40, 230, 150);
        var prompt = PromptGenerator.FromCoarseMask(rect, new PromptOptions { UsePoints = false, UseMask = false });
        Assert.NotNull(prompt);
        Assert.Null(prompt.MaskInput);
        Assert.Equal([SamPrompt.BoxTopLeft, SamPrompt.BoxBottomRight], prompt.Points.Select(p => p.Label));
        var (_, labels) = prompt.ToDecoderArrays();
        Assert.Equal([2f, 3f], labels); // a box: no padding point

        using var final = SamSegmenter.Segment(Decoder, DecoderPackageFixture.Embedding(), prompt, refine: 0);

        Assert.True(final[60, 40] > 0.9f * A, $"top-left {final[60, 40]}");
        Assert.True(final[230, 150] > 0.9f * A, $"bottom-right {final[230, 150]}");
        Assert.All(final.Pixels.ToArray(), v => Assert.True(v >= -1e-4f));
    }

    [Fact]
    public void Background_point_gives_negative_logits_there()
    {
        var frame = new SamFrame(300, 200);
        var (ix, iy) = frame.ToInput(120, 80);
        var prompt = new SamPrompt { Frame = frame, Points = [(ix, iy, SamPrompt.Background)] };

        using var final = SamSegmenter.Segment(Decoder, DecoderPackageFixture.Embedding(), prompt, refine: 0);

        Assert.True(final[120, 80] < -0.9f * A, $"value {final[120, 80]}");
        Assert.All(final.Pixels.ToArray(), v => Assert.True(v <= 1e-4f));
    }

    [Fact]
    public void Refinement_feeds_low_res_masks_back_as_the_mask_prompt()
    {
        const int width = 300, height = 200, px = 150, py = 90;
        var frame = new SamFrame(width, height);
        var (ix, iy) = frame.ToInput(px, py);
        var pointOnly = new SamPrompt { Frame = frame, Points = [(ix, iy, SamPrompt.Foreground)] };
        using var coarse = MaskShapes.Disk(width, height, 100, 100, 40);
        using var maskInput = frame.MaskToLowResLogits(coarse);
        var withMask = pointOnly with { MaskInput = maskInput };
        var embedding = DecoderPackageFixture.Embedding();

        // B = the bump alone (no mask, no refinement); M = the mask logits alone (refine 0, no points).
        using var bump = SamSegmenter.Segment(Decoder, embedding, pointOnly, refine: 0);
        using var maskOnly = SamSegmenter.Segment(Decoder, embedding, new SamPrompt { Frame = frame, Points = [], MaskInput = maskInput }, refine: 0);
        using var r0 = SamSegmenter.Segment(Decoder, embedding, withMask, refine: 0);
        using var r1 = SamSegmenter.Segment(Decoder, embedding, withMask, refine: 1);
        using var r2 = SamSegmenter.Segment(Decoder, embedding, withMask, refine: 2);

        // Analytic decoder: L_r = M + (r + 1) B, and postprocessing is linear.
        for (var y = 0; y < height; y += 7)
        {
            for (var x = 0; x < width; x += 5)
            {
                Assert.Equal(maskOnly[x, y] + bump[x, y], r0[x, y], 1e-3f);
                Assert.Equal(maskOnly[x, y] + (2 * bump[x, y]), r1[x, y], 1e-3f);
                Assert.Equal(maskOnly[x, y] + (3 * bump[x, y]), r2[x, y], 1e-3f);
            }
        }

        // At the foreground point the logit grows by about the bump amplitude per refinement.
        var growth = (r2[px, py] - r0[px, py]) / 2;
        Assert.InRange(growth, 0.9f * A, 1.01f * A);
        Assert.NotEqual(Count(r0), Count(r2));
    }

    [Fact]
    public void Negative_refine_throws_naming_the_option()
    {
        var prompt = new SamPrompt { Frame = new SamFrame(64, 64), Points = [(10f, 10f, SamPrompt.Foreground)] };

        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            SamSegmenter.Segment(Decoder, DecoderPackageFixture.Embedding(), prompt, refine: -1));
        Assert.Equal("refine", ex.ParamName);
        Assert.Contains("--refine", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(256 * 64 * 64 - 1)]
    [InlineData(256 * 64 * 64 + 1)]
    public void Wrong_embedding_length_throws(int length)
    {
        var prompt = new SamPrompt { Frame = new SamFrame(64, 64), Points = [(10f, 10f, SamPrompt.Foreground)] };

        var ex = Assert.Throws<ArgumentException>(() => Decoder.Decode(new float[length], prompt, null));
        Assert.Equal("imageEmbedding", ex.ParamName);
        Assert.Contains((256 * 64 * 64).ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => SamSegmenter.Segment(Decoder, new float[length], prompt, 1));
    }

    [Fact]
    public void Wrong_mask_prompt_size_throws()
    {
        var prompt = new SamPrompt { Frame = new SamFrame(64, 64), Points = [(10f, 10f, SamPrompt.Foreground)] };
        using var mask = new GrayImage(128, 128);

        var ex = Assert.Throws<ArgumentException>(() => Decoder.Decode(DecoderPackageFixture.Embedding(), prompt, mask));
        Assert.Equal("maskInput", ex.ParamName);
    }

    [Fact]
    public void Concurrent_decodes_on_one_decoder_agree()
    {
        var frame = new SamFrame(300, 200);
        var embedding = DecoderPackageFixture.Embedding();
        var results = new float[8][];
        Parallel.For(0, results.Length, i =>
        {
            var (ix, iy) = frame.ToInput(50 + (20 * i), 100);
            var prompt = new SamPrompt { Frame = frame, Points = [(ix, iy, SamPrompt.Foreground)] };
            using var low = Decoder.Decode(embedding, prompt, null);
            results[i] = low.Pixels.ToArray();
        });

        for (var i = 0; i < results.Length; i++)
        {
            var (ix, iy) = frame.ToInput(50 + (20 * i), 100);
            var prompt = new SamPrompt { Frame = frame, Points = [(ix, iy, SamPrompt.Foreground)] };
            using var low = Decoder.Decode(embedding, prompt, null);
            Assert.Equal(low.Pixels.ToArray(), results[i]);
        }
    }

    private static int Count(GrayImage image) => MaskShapes.Count(image, 0f);

    private static (int X, int Y, float Value) ArgMax(GrayImage image)
    {
        var pixels = image.Pixels;
        var best = 0;
        for (var i = 1; i < pixels.Length; i++)
        {
            if (pixels[i] > pixels[best])
            {
                best = i;
            }
        }

        return (best % image.Width, best / image.Width, pixels[best]);
    }
}
