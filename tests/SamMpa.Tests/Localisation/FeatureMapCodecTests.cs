using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class FeatureMapCodecTests
{
    private static DenseFeatureMap Map()
    {
        var random = new Random(5);
        var values = Enumerable.Range(0, 3 * 4 * 5).Select(_ => (random.NextSingle() * 4) - 2).ToArray();
        return new DenseFeatureMap(3, 4, 5, values);
    }

    [Fact]
    public void Round_trips_at_float16_precision_with_its_shape()
    {
        var map = Map();

        var (bytes, rounded) = FeatureMapCodec.Encode(map);
        var decoded = FeatureMapCodec.Decode(bytes);

        Assert.NotNull(decoded);
        Assert.Equal((3, 4, 5), (decoded.Channels, decoded.Height, decoded.Width));
        Assert.Equal(rounded.Values, decoded.Values);
        Assert.All(map.Values.Zip(decoded.Values), p => Assert.True(Math.Abs(p.First - p.Second) <= 2e-3f));
        Assert.Equal(24 + (2 * 60), bytes.Length);
    }

    [Fact]
    public void Corrupted_truncated_or_foreign_bytes_decode_to_null()
    {
        var (bytes, _) = FeatureMapCodec.Encode(Map());
        var corrupted = (byte[])bytes.Clone();
        corrupted[^3] ^= 0x40;

        Assert.Null(FeatureMapCodec.Decode(corrupted));
        Assert.Null(FeatureMapCodec.Decode(bytes.AsSpan(0, bytes.Length - 2)));
        Assert.Null(FeatureMapCodec.Decode("not a feature map at all, just text"u8));
        Assert.Null(FeatureMapCodec.Decode([]));
    }

    [Fact]
    public void A_map_refuses_a_wrong_value_count()
    {
        var e = Assert.Throws<ArgumentException>(() => new DenseFeatureMap(2, 3, 3, new float[17]));
        Assert.Contains("18", e.Message, StringComparison.Ordinal);
    }
}
