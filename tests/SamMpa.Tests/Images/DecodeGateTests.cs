using SamMpa.Imaging.Images;
using static SamMpa.Tests.Images.TestImages;

namespace SamMpa.Tests.Images;

/// <summary>
/// The one gate every image and mask passes (issue 13, item 2), on PNG files crafted byte by byte: the header parsed
/// once and refused when malformed, the size it declares checked before any pixel is decoded, and whatever a crafted
/// file makes the decoder throw turned into an <see cref="InvalidImageException"/> naming the item.
/// </summary>
public sealed class DecodeGateTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The 2 KB bomb: a first IHDR of 16x16 for the size check, a second of 1000x1000 that the decoder used to read.</summary>
    private static byte[] DoubleIhdrPng(int bitDepth) => PngOf(
        ("IHDR", Ihdr(16, 16, bitDepth, PngGray)),
        ("IHDR", Ihdr(1000, 1000, bitDepth, PngGray)),
        ("IDAT", ZeroRows(1000, 1000 * bitDepth / 8)),
        ("IEND", []));

    [Theory]
    [InlineData(16)]
    [InlineData(8)]
    public void A_png_with_a_second_ihdr_is_refused_naming_it(int bitDepth)
    {
        var bomb = DoubleIhdrPng(bitDepth);
        Assert.True(bomb.Length < 4096, $"the bomb should be a few kilobytes, it is {bomb.Length} bytes");
        var path = _folder.File("bomb.png");
        File.WriteAllBytes(path, bomb);

        var decoded = Assert.Throws<InvalidImageException>(() => ImageFile.Decode(bomb, "datasets/d/images/bomb.png", ImageLimits.Default));
        var mask = Assert.Throws<InvalidImageException>(() => ImageFile.DecodeMask(bomb, "datasets/d/masks/bomb.png", ImageLimits.Default));
        var read = Assert.Throws<InvalidImageException>(() => ImageFile.Read(path));
        var size = Assert.Throws<InvalidImageException>(() => ImageFile.ReadSize(path));

        Assert.StartsWith("datasets/d/images/bomb.png: not a valid PNG (a second IHDR chunk at byte 33", decoded.Message, StringComparison.Ordinal);
        Assert.StartsWith("datasets/d/masks/bomb.png: not a valid PNG (a second IHDR", mask.Message, StringComparison.Ordinal);
        Assert.Equal([path, path], new[] { read.Path, size.Path });
    }

    [Theory]
    [InlineData("tEXt", "the first chunk is 'tEXt', not IHDR")]
    [InlineData("IDAT", "the first chunk is 'IDAT', not IHDR")]
    public void A_png_whose_first_chunk_is_not_ihdr_is_refused(string first, string problem)
    {
        var png = PngOf((first, "x"u8.ToArray()), ("IHDR", Ihdr(16, 16, 8, PngGray)), ("IDAT", ZeroRows(16, 16)), ("IEND", []));

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.Decode(png, "late.png", ImageLimits.Default));

        Assert.Equal($"late.png: not a valid PNG ({problem})", error.Message);
    }

    [Theory]
    [InlineData(16, 3)]
    [InlineData(4, 2)]
    [InlineData(2, 6)]
    [InlineData(1, 4)]
    [InlineData(12, 0)]
    [InlineData(32, 0)]
    [InlineData(0, 0)]
    [InlineData(8, 1)]
    [InlineData(8, 5)]
    [InlineData(8, 7)]
    public void A_bit_depth_the_colour_type_does_not_allow_is_refused(int bitDepth, int colorType)
    {
        var png = PngOf(("IHDR", Ihdr(16, 16, bitDepth, colorType)), ("IDAT", ZeroRows(16, 64)), ("IEND", []));

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.DecodeMask(png, "odd.png", ImageLimits.Default));

        Assert.Equal($"odd.png: not a valid PNG (bit depth {bitDepth} with colour type {colorType} is not allowed by the PNG specification)", error.Message);
    }

    [Theory]
    [InlineData(2, 0, 0)]
    [InlineData(0, 1, 0)]
    [InlineData(0, 0, 1)]
    public void An_unknown_interlace_compression_or_filter_method_is_refused(int interlace, int compression, int filter)
    {
        var header = Ihdr(16, 16, 8, PngGray, interlace);
        (header[10], header[11]) = ((byte)compression, (byte)filter);
        var png = PngOf(("IHDR", header), ("IDAT", ZeroRows(16, 16)), ("IEND", []));

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.Decode(png, "method.png", ImageLimits.Default));

        Assert.Contains($"method.png: not a valid PNG (compression method {compression}, filter method {filter}, interlace method {interlace}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_png_without_image_data_or_iend_is_refused()
    {
        var noData = PngOf(("IHDR", Ihdr(16, 16, 8, PngGray)), ("IEND", []));
        var noEnd = PngOf(("IHDR", Ihdr(16, 16, 8, PngGray)), ("IDAT", ZeroRows(16, 16)));

        Assert.Contains("no IDAT chunk", Assert.Throws<InvalidImageException>(() => ImageFile.Decode(noData, "a.png", ImageLimits.Default)).Message, StringComparison.Ordinal);
        Assert.Contains("truncated image", Assert.Throws<InvalidImageException>(() => ImageFile.Decode(noEnd, "b.png", ImageLimits.Default)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_7000x7000_mask_is_refused_from_its_header_before_decoding()
    {
        // 47 KB of PNG that decoded to 512 MiB before masks were checked.
        var png = PngOf(("IHDR", Ihdr(7000, 7000, 8, PngGray)), ("IDAT", ZeroRows(7000, 7000)), ("IEND", []));
        var limits = ImageLimits.Default with { MaxPixelsSetting = "Images:MaxPixels" };

        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidImageException>(() => ImageFile.DecodeMask(png, "datasets/d/annotations/big.png", limits));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(
            "datasets/d/annotations/big.png: image is 7000x7000 pixels (49,000,000), above the limit of 40,000,000 pixels (Images:MaxPixels); downsample it or raise the limit",
            error.Message);
        Assert.True(allocated < 1 << 20, $"refusing the mask should allocate no pixel buffer, it allocated {allocated:N0} bytes");
    }

    [Fact]
    public void A_mask_file_above_the_length_limit_is_refused_unread()
    {
        var path = _folder.File("long.png");
        File.WriteAllBytes(path, new byte[5000]);
        var limits = ImageLimits.Default with { MaxBytes = 4999, MaxBytesSetting = "Images:MaxBlobBytes" };

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.ReadMask(path, limits));

        Assert.Equal($"{path}: file is 5,000 bytes, above the limit of 4,999 bytes (Images:MaxBlobBytes); it was not read", error.Message);
    }

    [Fact]
    public void An_interlaced_16_bit_png_of_a_huge_declared_size_is_refused_naming_it_whatever_the_pixel_limit()
    {
        var giant = PngOf(("IHDR", Ihdr(50_000, 50_000, 16, PngGray, interlace: 1)), ("IDAT", ZeroRows(8, 64)), ("IEND", []));

        var limited = Assert.Throws<InvalidImageException>(() => ImageFile.Decode(giant, "giant.png", ImageLimits.Default));
        // With no pixel limit at all the size still cannot reach an allocation: the refusal names the item, no overflow
        // or out-of-memory escapes.
        var unlimited = Assert.Throws<InvalidImageException>(() => ImageFile.Decode(giant, "giant.png", ImageLimits.Default with { MaxPixels = long.MaxValue }));

        Assert.Contains("giant.png: image is 50000x50000 pixels (2,500,000,000), above the limit", limited.Message, StringComparison.Ordinal);
        Assert.StartsWith("giant.png: not a readable image (", unlimited.Message, StringComparison.Ordinal);
        Assert.Contains("50000x50000", unlimited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Image_data_shorter_than_the_declared_size_is_a_truncated_image_not_an_exception_of_the_decoder()
    {
        var png = PngOf(("IHDR", Ihdr(300, 300, 16, PngRgba, interlace: 1)), ("IDAT", ZeroRows(3, 10)), ("IEND", []));

        var error = Assert.Throws<InvalidImageException>(() => ImageFile.Decode(png, "short.png", ImageLimits.Default));

        Assert.Equal("short.png: truncated image (incomplete data)", error.Message);
    }
}
