using SamMpa.Dicom;

namespace SamMpa.Tests.Dicom;

/// <summary>The Part-10 writer's element encoding: tag order, even lengths padded as each VR requires, defined-length sequences.</summary>
public sealed class DicomOutputDatasetTests
{
    [Fact]
    public void Odd_values_are_padded_a_uid_with_nul_text_with_a_space_bytes_with_zero()
    {
        var encoded = new DicomOutputDataset()
            .Bytes(0x7FE0_0010, "OB", [0xAB])
            .Text(0x0010_0010, "PN", "Doe")
            .Text(0x0008_0018, "UI", "1.2.3")
            .Encode();

        byte[] expected =
        [
            0x08, 0x00, 0x18, 0x00, (byte)'U', (byte)'I', 6, 0, (byte)'1', (byte)'.', (byte)'2', (byte)'.', (byte)'3', 0,
            0x10, 0x00, 0x10, 0x00, (byte)'P', (byte)'N', 4, 0, (byte)'D', (byte)'o', (byte)'e', (byte)' ',
            0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 2, 0, 0, 0, 0xAB, 0,
        ];
        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void A_sequence_has_a_defined_length_and_each_item_its_own()
    {
        var encoded = new DicomOutputDataset()
            .Sequence(0x0062_0002, new DicomOutputDataset().UnsignedShort(0x0062_0004, 1), new DicomOutputDataset())
            .Encode();

        byte[] expected =
        [
            0x62, 0x00, 0x02, 0x00, (byte)'S', (byte)'Q', 0, 0, 26, 0, 0, 0,
            0xFE, 0xFF, 0x00, 0xE0, 10, 0, 0, 0, 0x62, 0x00, 0x04, 0x00, (byte)'U', (byte)'S', 2, 0, 1, 0,
            0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0,
        ];
        Assert.Equal(expected, encoded);
    }

    [Fact]
    public void A_value_its_vr_does_not_allow_is_refused_naming_the_element()
    {
        var error = Assert.Throws<ArgumentException>(() => new DicomOutputDataset().Text(0x0008_0018, "UI", "1.2.x"));

        Assert.Equal("(0008,0018) UI: '1.2.x' holds characters UI does not allow", error.Message);
    }
}
