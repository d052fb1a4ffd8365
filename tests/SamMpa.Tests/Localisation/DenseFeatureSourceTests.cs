using SamMpa.Imaging.Localisation;
using SamMpa.Tests.Embeddings;

namespace SamMpa.Tests.Localisation;

public sealed class DenseFeatureSourceTests
{
    private const int EmbeddingLength = 256 * 64 * 64;

    [Fact]
    public void Without_a_sam_encoder_the_map_and_id_are_resnet18s()
    {
        var resNet = new DenseFeatureExtractor(inputSize: 224);
        var source = new DenseFeatureSource(resNet);
        using var image = TestImages.Disc(120, 120);

        var map = source.Extract(image, []);

        Assert.False(source.UsesSamEmbedding);
        Assert.Equal(resNet.Id, source.Id);
        Assert.Equal(resNet.Extract(image).Values, map.Values);
    }

    [Fact]
    public void With_a_sam_encoder_its_embedding_joins_as_a_third_block_of_equal_weight_in_unit_cells()
    {
        var resNet = new DenseFeatureExtractor(inputSize: 224);
        var source = new DenseFeatureSource(resNet, "sam-0123456789ab");
        using var image = TestImages.Disc(120, 120);
        var embedding = new float[EmbeddingLength];
        var random = new Random(7);
        for (var i = 0; i < embedding.Length; i++)
        {
            embedding[i] = (float)random.NextDouble() - 0.3f;
        }

        var map = source.Extract(image, embedding);

        Assert.True(source.UsesSamEmbedding);
        Assert.Equal($"{resNet.Id}_sam-0123456789ab", source.Id);
        Assert.Equal((768 + 256, 14, 14), (map.Channels, map.Height, map.Width));
        var resNetMap = resNet.Extract(image);
        var samMap = SamEmbeddingGrid.OnGrid(embedding, 120, 120, 14, 14);
        var block = resNetMap.Values.Length;
        for (var i = 0; i < block; i += 61)
        {
            Assert.Equal(resNetMap.Values[i] * MathF.Sqrt(2f / 3f), map.Values[i], 5);
        }

        for (var i = 0; i < samMap.Values.Length; i += 17)
        {
            Assert.Equal(samMap.Values[i] * MathF.Sqrt(1f / 3f), map.Values[block + i], 5);
        }

        var cell = new float[map.Channels];
        for (var i = 0; i < map.Cells; i += 13)
        {
            map.CopyCell(i, cell);
            var layer3 = Length(cell.AsSpan(0, 256));
            var layer4 = Length(cell.AsSpan(256, 512));
            var sam = Length(cell.AsSpan(768, 256));
            Assert.True(
                Math.Abs(layer3 - sam) < 1e-3 && Math.Abs(layer4 - sam) < 1e-3 && Math.Abs(Length(cell) - 1) < 1e-3,
                $"cell {i}: expected blocks of length 1/sqrt(3) = 0.577 and a unit vector, got layer3 {layer3:F4}, layer4 {layer4:F4}, SAM {sam:F4}");
        }
    }

    [Fact]
    public void A_missing_or_foreign_embedding_is_refused_saying_what_was_expected()
    {
        var source = new DenseFeatureSource(new DenseFeatureExtractor(inputSize: 224), "sam-0123456789ab");
        using var image = TestImages.Disc(120, 120);

        var missing = Assert.Throws<ArgumentException>(() => source.Extract(image, []));
        Assert.Contains("C x 64 x 64", missing.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => source.Extract(image, new float[768]));
        Assert.Throws<ArgumentException>(() => new DenseFeatureSource(new DenseFeatureExtractor(inputSize: 224), " "));
    }

    private static double Length(ReadOnlySpan<float> values)
    {
        var sum = 0.0;
        foreach (var v in values)
        {
            sum += (double)v * v;
        }

        return Math.Sqrt(sum);
    }
}
