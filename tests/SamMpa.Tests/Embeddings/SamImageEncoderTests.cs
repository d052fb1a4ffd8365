using SamMpa.Imaging.Embeddings;

namespace SamMpa.Tests.Embeddings;

public sealed class SamImageEncoderTests
{
    private static readonly float[] Mean = [123.675f, 116.28f, 103.53f];
    private static readonly float[] Std = [58.395f, 57.12f, 57.375f];

    [Theory]
    [InlineData(512, 256, 1024, 512)]
    [InlineData(256, 512, 512, 1024)]
    [InlineData(1024, 1024, 1024, 1024)]
    [InlineData(300, 200, 1024, 683)]
    [InlineData(2048, 100, 1024, 50)]
    public void Resized_size_follows_sam_longest_side(int width, int height, int expectedWidth, int expectedHeight) =>
        Assert.Equal((expectedWidth, expectedHeight), SamImageEncoder.ResizedSize(width, height));

    [Fact]
    public void Embedding_of_wide_image_has_padded_bottom_half_and_normalised_content()
    {
        using var model = TinySamModel.WriteTemporary();
        using var encoder = new SamImageEncoder(model.Path);
        // 512 wide x 256 high -> 1024 x 512: embedding rows 0..31 are content, rows 32..63 are padding.
        using var image = TestImages.Uniform(512, 256, 0f);
        for (var y = 0; y < 256; y++)
        {
            image.Row(y)[256..].Fill(255f);
        }

        var embedding = encoder.Encode(image);

        Assert.Equal(1_048_576, embedding.Length);
        Assert.Equal(1_048_576, encoder.Dimension);
        Assert.Matches("^sam-[0-9a-f]{12}$", encoder.Id);
        for (var o = 0; o < TinySamModel.Channels; o++)
        {
            var plane = embedding.AsSpan(o * 4096, 4096);
            var padded = TinySamModel.Bias(o); // zero-padded input -> pooled 0 -> bias only
            var dark = Expected(o, 0f);
            var bright = Expected(o, 255f);
            for (var gy = 0; gy < 64; gy++)
            {
                for (var gx = 0; gx < 64; gx++)
                {
                    var actual = plane[(gy * 64) + gx];
                    if (gy >= 32)
                    {
                        Assert.Equal(padded, actual, 1e-5f);
                    }
                    else if (gx < 31)
                    {
                        Assert.Equal(dark, actual, 1e-3f);
                    }
                    else if (gx > 32)
                    {
                        Assert.Equal(bright, actual, 1e-3f);
                    }
                }
            }
        }
    }

    [Fact]
    public void Tall_image_pads_on_the_right()
    {
        using var model = TinySamModel.WriteTemporary();
        using var encoder = new SamImageEncoder(model.Path);
        using var image = TestImages.Uniform(100, 400, 128f); // -> 256 x 1024: columns 16..63 padded
        var embedding = encoder.Encode(image);
        for (var o = 0; o < TinySamModel.Channels; o += 37)
        {
            for (var gy = 0; gy < 64; gy++)
            {
                Assert.Equal(Expected(o, 128f), embedding[(o * 4096) + (gy * 64) + 5], 1e-3f);
                Assert.Equal(TinySamModel.Bias(o), embedding[(o * 4096) + (gy * 64) + 40], 1e-5f);
            }
        }
    }

    [Fact]
    public void Dynamic_batch_model_encodes_batches_like_single_images()
    {
        using var model = TinySamModel.WriteTemporary(dynamicBatch: true);
        using var encoder = new SamImageEncoder(model.Path);
        Assert.True(encoder.SupportsBatch);
        using var a = TestImages.Disc();
        using var b = TestImages.Stripes(300, 200);
        using var c = TestImages.Disc(64, 64, brightness: 30);

        var batch = encoder.EncodeBatch([a, b, c, a, b, c]);

        Assert.Equal(6, batch.Count);
        var singles = new[] { encoder.Encode(a), encoder.Encode(b), encoder.Encode(c) };
        for (var i = 0; i < batch.Count; i++)
        {
            Assert.Equal(singles[i % 3], batch[i]);
        }
    }

    [Fact]
    public void Fixed_batch_model_encodes_batches_one_at_a_time()
    {
        using var model = TinySamModel.WriteTemporary(dynamicBatch: false);
        using var encoder = new SamImageEncoder(model.Path);
        Assert.False(encoder.SupportsBatch);
        using var a = TestImages.Disc();
        using var b = TestImages.Stripes();
        var batch = encoder.EncodeBatch([a, b]);
        Assert.Equal(encoder.Encode(a), batch[0]);
        Assert.Equal(encoder.Encode(b), batch[1]);
    }

    [Fact]
    public void Wrong_shaped_model_is_rejected_with_expected_and_found_shapes()
    {
        using var model = TinySamModel.WriteTemporary(pool: 32); // output 1x256x32x32
        var ex = Assert.Throws<InvalidOperationException>(() => new SamImageEncoder(model.Path));
        Assert.Contains("256,64,64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'image_embeddings'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[1,256,32,32]", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_model_names_the_path()
    {
        var path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.onnx");
        var ex = Assert.Throws<FileNotFoundException>(() => EncoderFactory.Create(path, Device.Cpu, null));
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cuda_request_falls_back_or_matches_cpu()
    {
        using var model = TinySamModel.WriteTemporary();
        var warnings = new List<string>();
        using var cuda = EncoderFactory.Create(model.Path, Device.Cuda, warnings.Add);
        using var cpu = EncoderFactory.Create(model.Path, Device.Cpu, null);
        Assert.IsType<SamImageEncoder>(cuda);
        Assert.True(warnings.Count <= 1, string.Join("; ", warnings));
        using var image = TestImages.Disc();
        var a = cuda.Encode(image);
        var b = cpu.Encode(image);
        for (var i = 0; i < a.Length; i += 997)
        {
            Assert.Equal(b[i], a[i], 1e-3f);
        }
    }

    /// <summary>Tiny-model output for a uniform input value v: sum_c W[o,c] * (v - mean_c) / std_c + B[o].</summary>
    private static float Expected(int o, float v)
    {
        var sum = TinySamModel.Bias(o);
        for (var c = 0; c < 3; c++)
        {
            sum += TinySamModel.Weight(o, c) * (v - Mean[c]) / Std[c];
        }

        return sum;
    }
}
