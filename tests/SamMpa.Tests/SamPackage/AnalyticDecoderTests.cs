using Microsoft.ML.OnnxRuntime;
using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.SamPackage;

public sealed class AnalyticDecoderTests
{
    private const int Low = 256;

    [Fact]
    public void Written_package_loads_and_matches_the_default_manifest()
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);

        Assert.Equal("encoder.onnx", package.Manifest.Encoder);
        Assert.Equal("decoder.onnx", package.Manifest.Decoder);
        Assert.Equal(new SamDecoderInputNames(), package.Manifest.DecoderInputs);
        Assert.Equal(new SamDecoderOutputNames(), package.Manifest.DecoderOutputs);
        Assert.Equal(1024, package.Manifest.ImageSize);
        Assert.Equal(256, package.Manifest.MaskSize);
        Assert.Equal([123.675, 116.28, 103.53], package.Manifest.PixelMean);
        Assert.Equal([58.395, 57.12, 57.375], package.Manifest.PixelStd);
        Assert.Equal([256, 64, 64], package.Manifest.EmbeddingShape);
        Assert.Equal(SamEncoderInputLayout.NchwNormalized, package.Manifest.EncoderInputLayout);
        Assert.Contains("\"encoder_input_layout\": \"nchw-normalized\"", File.ReadAllText(dir.PathOf("sam.json")), StringComparison.Ordinal);
        Assert.Contains("\"image_size\": 1024", File.ReadAllText(dir.PathOf("sam.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Foreground_point_gives_positive_bump_at_quarter_coordinates()
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);

        var result = Decode(package, [(512f, 512f, 1f)]);

        var (x, y, max) = ArgMax(result.LowRes);
        Assert.InRange(x, 127, 128);
        Assert.InRange(y, 127, 128);
        Assert.True(max > 0.9f * SamFixtureBuilder.Amplitude, $"peak {max}");
        // Pixel centres 127.5 and 128.5 are 0.5 from the peak at continuous 128.
        var expected = SamFixtureBuilder.Amplitude * MathF.Exp(-0.5f / (2 * SamFixtureBuilder.Sigma * SamFixtureBuilder.Sigma));
        Assert.Equal(expected, result.LowRes[(128 * Low) + 128], 1e-3f);
        Assert.Equal(expected, result.LowRes[(127 * Low) + 127], 1e-3f);
        Assert.Equal(0f, result.LowRes[(10 * Low) + 10], 1e-4f);
        Assert.All(result.LowRes, v => Assert.True(v >= 0f));
        Assert.Equal([SamFixtureBuilder.Iou], result.Iou);
    }

    [Fact]
    public void Off_centre_point_lands_at_a_quarter_of_its_coordinates()
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);

        // x = 402 -> 100.5 = centre of pixel 100; y = 802 -> 200.5 = centre of pixel 200.
        var result = Decode(package, [(402f, 802f, 1f)]);

        var (x, y, max) = ArgMax(result.LowRes);
        Assert.Equal((100, 200), (x, y));
        Assert.Equal(SamFixtureBuilder.Amplitude, max, 1e-4f);
    }

    [Fact]
    public void Background_point_gives_negative_bump_and_padding_point_nothing()
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);

        var background = Decode(package, [(512f, 512f, 0f), (0f, 0f, -1f)]);
        var (x, y, min) = ArgMin(background.LowRes);
        Assert.InRange(x, 127, 128);
        Assert.InRange(y, 127, 128);
        Assert.True(min < -0.9f * SamFixtureBuilder.Amplitude, $"trough {min}");
        Assert.All(background.LowRes, v => Assert.True(v <= 0f));

        var padding = Decode(package, [(512f, 512f, -1f)]);
        Assert.All(padding.LowRes, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Box_corners_count_as_foreground()
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);

        var result = Decode(package, [(402f, 402f, 2f), (802f, 802f, 3f)]);

        Assert.Equal(SamFixtureBuilder.Amplitude, result.LowRes[(100 * Low) + 100], 1e-3f);
        Assert.Equal(SamFixtureBuilder.Amplitude, result.LowRes[(200 * Low) + 200], 1e-3f);
    }

    [Fact]
    public void Mask_input_is_added_only_when_has_mask_input_is_one()
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);
        var mask = new float[Low * Low];
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = (i % 7) - 3f;
        }

        var without = Decode(package, [(512f, 512f, 1f)], mask, hasMask: 0f);
        var with = Decode(package, [(512f, 512f, 1f)], mask, hasMask: 1f);

        for (var i = 0; i < mask.Length; i += 97)
        {
            Assert.Equal(without.LowRes[i] + mask[i], with.LowRes[i], 1e-4f);
        }
    }

    [Theory]
    [InlineData(300, 200)]
    [InlineData(1024, 1024)]
    [InlineData(64, 512)]
    public void Masks_have_the_original_image_size(int height, int width)
    {
        using var dir = new TempPackage();
        var package = Imaging.Sam.SamPackage.Load(dir.Directory);

        var result = Decode(package, [(512f, 512f, 1f)], origHeight: height, origWidth: width);

        Assert.Equal([1L, 1L, height, width], result.MasksShape);
        Assert.Equal(height * width, result.Masks.Length);
        // The bump is in the middle of the frame: the centre of the upsampled mask is positive, a corner ~0.
        Assert.True(result.Masks[((height / 2) * width) + (width / 2)] > 0.5f * SamFixtureBuilder.Amplitude);
        Assert.Equal(0f, result.Masks[0], 1e-3f);
    }

    private sealed record Decoded(float[] LowRes, float[] Iou, float[] Masks, long[] MasksShape);

    private static Decoded Decode(
        Imaging.Sam.SamPackage package,
        (float X, float Y, float Label)[] points,
        float[]? mask = null,
        float hasMask = 0f,
        int origHeight = 1024,
        int origWidth = 1024)
    {
        var coords = points.SelectMany(p => new[] { p.X, p.Y }).ToArray();
        var labels = points.Select(p => p.Label).ToArray();
        using var embeddings = OrtValue.CreateTensorValueFromMemory(new float[256 * 64 * 64], [1, 256, 64, 64]);
        using var pointCoords = OrtValue.CreateTensorValueFromMemory(coords, [1, points.Length, 2]);
        using var pointLabels = OrtValue.CreateTensorValueFromMemory(labels, [1, points.Length]);
        using var maskInput = OrtValue.CreateTensorValueFromMemory(mask ?? new float[Low * Low], [1, 1, Low, Low]);
        using var hasMaskInput = OrtValue.CreateTensorValueFromMemory(new[] { hasMask }, [1]);
        using var origSize = OrtValue.CreateTensorValueFromMemory(new[] { (float)origHeight, origWidth }, [2]);
        var inputs = new Dictionary<string, OrtValue>(StringComparer.Ordinal)
        {
            ["image_embeddings"] = embeddings,
            ["point_coords"] = pointCoords,
            ["point_labels"] = pointLabels,
            ["mask_input"] = maskInput,
            ["has_mask_input"] = hasMaskInput,
            ["orig_im_size"] = origSize,
        };
        using var runOptions = new RunOptions();
        using var outputs = package.Decoder.Run(runOptions, inputs, ["masks", "iou_predictions", "low_res_masks"]);
        var lowRes = outputs[2];
        Assert.Equal([1L, 1L, Low, Low], lowRes.GetTensorTypeAndShape().Shape);
        return new Decoded(
            lowRes.GetTensorDataAsSpan<float>().ToArray(),
            outputs[1].GetTensorDataAsSpan<float>().ToArray(),
            outputs[0].GetTensorDataAsSpan<float>().ToArray(),
            outputs[0].GetTensorTypeAndShape().Shape);
    }

    private static (int X, int Y, float Value) ArgMax(float[] plane) => Extreme(plane, 1f);

    private static (int X, int Y, float Value) ArgMin(float[] plane)
    {
        var (x, y, v) = Extreme(plane, -1f);
        return (x, y, v);
    }

    private static (int X, int Y, float Value) Extreme(float[] plane, float sign)
    {
        var best = 0;
        for (var i = 1; i < plane.Length; i++)
        {
            if (sign * plane[i] > sign * plane[best])
            {
                best = i;
            }
        }

        return (best % Low, best / Low, plane[best]);
    }
}
