using System.Buffers.Binary;
using SamMpa.Dicom;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The header reader and the native decoder on files built byte by byte (no toolkit needed): signed samples in a
/// shifted bit field, the full-range grey scale, nesting and truncation inside sequences.
/// </summary>
public sealed class DicomHeaderReaderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Signed_12_bit_samples_under_a_shifted_high_bit_spread_over_the_grey_scale()
    {
        // 12 bits stored in bits 4..15 (high bit 15), two's complement: -2048 is black, 2047 white.
        short[] stored = [-2048, -1, 0, 2047];
        var pixelData = new byte[16 * 16 * 2];
        for (var i = 0; i < 16 * 16; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(pixelData.AsSpan(2 * i), (ushort)((stored[i % 4] << 4) | 0x5));
        }

        var path = await WriteAsync("signed.dcm", Image(rows: 16, columns: 16, bitsStored: 12, highBit: 15, signed: true)
            .Element(0x7FE0, 0x0010, "OW", pixelData));

        using var instance = await new DicomImageReader().ReadAsync(path);

        var pixels = instance.Frames[0].Pixels;
        Assert.Equal(0f, pixels[0]);
        Assert.Equal(2047f / 4095 * 255, pixels[1], 3);
        Assert.Equal(2048f / 4095 * 255, pixels[2], 3);
        Assert.Equal(255f, pixels[3]);
    }

    [Fact]
    public void Sequences_nested_without_end_are_refused_past_a_depth()
    {
        var content = Image(rows: 16, columns: 16, bitsStored: 16, highBit: 15, signed: false).UnclosedNestedSequences(100).Build();

        var error = Assert.Throws<DicomReadException>(() => DicomHeaderReader.Read(content, "deep.dcm"));

        Assert.StartsWith("deep.dcm: sequences nested more than 32 deep", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_cut_inside_a_sequence_is_refused_as_truncated()
    {
        var content = Image(rows: 16, columns: 16, bitsStored: 16, highBit: 15, signed: false).UnclosedNestedSequences(2).Build();

        var error = Assert.Throws<DicomReadException>(() => DicomHeaderReader.Read(content, "cut.dcm"));

        Assert.StartsWith("cut.dcm: truncated file: the data ends inside", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_number_is_refused_naming_the_attribute()
    {
        var content = Image(rows: 16, columns: 16, bitsStored: 16, highBit: 15, signed: false)
            .Text(0x0028, 0x1053, "DS", "two")
            .Element(0x7FE0, 0x0010, "OW", new byte[16 * 16 * 2]).Build();

        var error = Assert.Throws<DicomReadException>(() => DicomHeaderReader.Read(content, "slope.dcm"));

        Assert.Equal("slope.dcm: Rescale Slope (0028,1053) is 'two', not a decimal number", error.Message);
    }

    [Fact]
    public async Task Pixel_data_shorter_than_its_frames_is_refused_as_truncated()
    {
        var path = await WriteAsync("short.dcm", Image(rows: 16, columns: 16, bitsStored: 16, highBit: 15, signed: false)
            .Text(0x0028, 0x0008, "IS", "2")
            .Element(0x7FE0, 0x0010, "OW", new byte[16 * 16 * 2]));

        var error = await Assert.ThrowsAsync<DicomReadException>(() => new DicomImageReader().ReadAsync(path));

        Assert.Equal($"{path}: truncated pixel data: 512 bytes, where 2 frame(s) of 16x16 at 16 bits need 1,024", error.Message);
    }

    // Elements in ascending tag order, as a dataset must be; callers add theirs after (0028,0103).
    private static Part10Builder Image(int rows, int columns, int bitsStored, int highBit, bool signed) => new Part10Builder()
        .Text(0x0008, 0x0016, "UI", "1.2.840.10008.5.1.4.1.1.7")
        .UnsignedShort(0x0028, 0x0002, 1)
        .Text(0x0028, 0x0004, "CS", "MONOCHROME2")
        .UnsignedShort(0x0028, 0x0010, (ushort)rows)
        .UnsignedShort(0x0028, 0x0011, (ushort)columns)
        .UnsignedShort(0x0028, 0x0100, 16)
        .UnsignedShort(0x0028, 0x0101, (ushort)bitsStored)
        .UnsignedShort(0x0028, 0x0102, (ushort)highBit)
        .UnsignedShort(0x0028, 0x0103, signed ? (ushort)1 : (ushort)0);

    private async Task<string> WriteAsync(string name, Part10Builder builder)
    {
        var path = _folder.File(name);
        await File.WriteAllBytesAsync(path, builder.Build());
        return path;
    }
}
