using System.Buffers.Binary;
using SamMpa.Dicom;
using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The Part-10 form of a written segmentation, without tools: the file meta group's length, what our own header
/// reader reads back, the packed bits, and the UIDs (under a root, or 2.25).
/// </summary>
public sealed class DicomSegPart10Tests
{
    [Fact]
    public void The_file_meta_group_length_counts_every_meta_element_after_it()
    {
        using var mask = new GrayImage(8, 8);
        var content = new DicomSegWriter(DicomSegTestData.Options).Write(DicomSegTestData.Header(8, 8), "a.dcm", [mask]).Content;

        Assert.True(content.AsSpan(128, 4).SequenceEqual("DICM"u8));
        Assert.True(content.AsSpan(132, 8).SequenceEqual(new byte[] { 0x02, 0x00, 0x00, 0x00, (byte)'U', (byte)'L', 4, 0 }));
        var groupLength = BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(140));
        var firstDatasetElement = 144 + groupLength;
        var position = 144;
        while (position < firstDatasetElement)
        {
            Assert.Equal(0x0002, BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(position)));
            var longLength = content.AsSpan(position + 4, 2).SequenceEqual("OB"u8);
            var length = longLength ? BinaryPrimitives.ReadInt32LittleEndian(content.AsSpan(position + 8)) : BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(position + 6));
            Assert.Equal(0, length % 2);
            position += (longLength ? 12 : 8) + length;
        }

        Assert.Equal(firstDatasetElement, position);
        Assert.Equal(0x0008, BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(firstDatasetElement)));
        Assert.Equal(0, content.Length % 2);
    }

    [Fact]
    public void Our_header_reader_reads_the_segmentation_back()
    {
        using var mask = DicomSegTestData.Mask(13, 7);
        var source = DicomSegTestData.Header(13, 7);

        var seg = new DicomSegWriter(DicomSegTestData.Options).Write(source, "a.dcm", [mask]);
        var header = DicomHeaderReader.Read(seg.Content, "seg.dcm");

        Assert.Equal((7, 13, 1, 1, 0, "MONOCHROME2", 1, DicomTransferSyntax.ExplicitVrLittleEndianUid), (
            header.Rows, header.Columns, header.BitsAllocated, header.BitsStored, header.HighBit,
            header.PhotometricInterpretation, header.NumberOfFrames, header.TransferSyntax.Uid));
        Assert.Equal((DicomSegInstance.SopClassUid, seg.SopInstanceUid, seg.SeriesInstanceUid, source.Provenance.StudyInstanceUid, "SEG", DicomSegWriter.Manufacturer), (
            header.Provenance.SopClassUid, header.Provenance.SopInstanceUid, header.Provenance.SeriesInstanceUid,
            header.Provenance.StudyInstanceUid, header.Provenance.Modality, header.Provenance.Manufacturer));
        Assert.Equal(("Doe^Jane", "P-7"), (header.PatientStudy.PatientName, header.PatientStudy.PatientId));
    }

    [Fact]
    public void Pixels_are_packed_a_bit_each_lowest_bit_first()
    {
        using var mask = new GrayImage(5, 2);
        mask[0, 0] = 1; // bit 0
        mask[3, 0] = 0.5f; // bit 3: any nonzero value is inside
        mask[1, 1] = 1; // bit 6
        mask[4, 1] = 1; // bit 9

        var content = new DicomSegWriter(DicomSegTestData.Options).Write(DicomSegTestData.Header(5, 2), "a.dcm", [mask]).Content;

        // Pixel Data is the last element: OB with a 32-bit length of 2 (10 bits in 2 bytes, already even).
        Assert.True(content.AsSpan(content.Length - 14, 12).SequenceEqual(new byte[] { 0xE0, 0x7F, 0x10, 0x00, (byte)'O', (byte)'B', 0, 0, 2, 0, 0, 0 }));
        Assert.Equal(new byte[] { 0b0100_1001, 0b0000_0010 }, content[^2..]);
    }

    [Fact]
    public void Uids_are_new_and_under_the_root_given_or_2_25()
    {
        using var mask = new GrayImage(4, 4);
        var source = DicomSegTestData.Header(4, 4);
        const string root = "1.2.826.0.1.3680043.10.999";

        var underRoot = new DicomSegWriter(DicomSegTestData.Options with { UidRoot = root }).Write(source, "a.dcm", [mask]);
        var uuidDerived = new DicomSegWriter(DicomSegTestData.Options).Write(source, "a.dcm", [mask]);
        var inSeries = new DicomSegWriter(DicomSegTestData.Options).Write(source, "a.dcm", [mask], seriesInstanceUid: uuidDerived.SeriesInstanceUid);

        Assert.All([underRoot.SopInstanceUid, underRoot.SeriesInstanceUid], uid =>
        {
            Assert.StartsWith(root + ".", uid, StringComparison.Ordinal);
            Assert.Equal(64, uid.Length);
            Assert.NotEqual('0', uid[root.Length + 1]);
        });
        Assert.All([uuidDerived.SopInstanceUid, uuidDerived.SeriesInstanceUid], uid =>
        {
            Assert.StartsWith("2.25.", uid, StringComparison.Ordinal);
            Assert.InRange(uid.Length, 6, 64);
            Assert.True(uid[5..].All(char.IsAsciiDigit), uid);
        });
        Assert.NotEqual(underRoot.SopInstanceUid, underRoot.SeriesInstanceUid);
        Assert.Equal(uuidDerived.SeriesInstanceUid, inSeries.SeriesInstanceUid);
        Assert.NotEqual(uuidDerived.SopInstanceUid, inSeries.SopInstanceUid);
    }
}
