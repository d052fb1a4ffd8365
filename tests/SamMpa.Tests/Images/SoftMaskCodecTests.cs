using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Images;

public sealed class SoftMaskCodecTests
{
    [Fact]
    public void A_soft_mask_comes_back_with_the_same_values()
    {
        using var mask = new GrayImage(7, 5);
        for (var i = 0; i < mask.Length; i++)
        {
            mask.Pixels[i] = i / 34f;
        }

        using var decoded = SoftMaskCodec.Decode(SoftMaskCodec.Encode(mask), "soft/a.f32");
        Assert.Equal((7, 5), (decoded.Width, decoded.Height));
        Assert.True(decoded.Pixels.SequenceEqual(mask.Pixels), "Expected every value back exactly.");
    }

    [Fact]
    public void Bytes_that_are_not_a_soft_mask_are_refused_naming_the_blob()
    {
        using var mask = new GrayImage(4, 4);
        var truncated = SoftMaskCodec.Encode(mask)[..20];
        var error = Assert.Throws<InvalidImageException>(() => SoftMaskCodec.Decode(truncated, "soft/b.f32"));
        Assert.StartsWith("soft/b.f32: ", error.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidImageException>(() => SoftMaskCodec.Decode("not a mask at all"u8, "soft/c.f32"));
    }
}
