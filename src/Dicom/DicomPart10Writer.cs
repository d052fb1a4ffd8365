using System.Buffers.Binary;

namespace SamMpa.Dicom;

/// <summary>
/// Writes a dataset as a DICOM Part-10 file (PS3.10 7.1): the 128-byte preamble of zeros, "DICM", the file meta
/// group (explicit VR little endian, its group length counting every meta element after it), then the dataset in
/// explicit VR little endian.
/// </summary>
internal static class DicomPart10Writer
{
    /// <summary>Identifies this writer in the file meta (a 2.25 UUID-derived UID of its own).</summary>
    public const string ImplementationClassUid = "2.25.21254282612876445631056805083685756293";

    public const string ImplementationVersionName = "SAMMPA_1";

    private const uint FileMetaGroupLength = 0x0002_0000;
    private const uint FileMetaVersion = 0x0002_0001;
    private const uint MediaStorageSopClassUid = 0x0002_0002;
    private const uint MediaStorageSopInstanceUid = 0x0002_0003;
    private const uint ImplementationClassUidTag = 0x0002_0012;
    private const uint ImplementationVersionNameTag = 0x0002_0013;

    public static byte[] Write(DicomOutputDataset dataset, string sopClassUid, string sopInstanceUid)
    {
        var meta = new DicomOutputDataset()
            .Bytes(FileMetaVersion, "OB", [0x00, 0x01])
            .Text(MediaStorageSopClassUid, "UI", sopClassUid)
            .Text(MediaStorageSopInstanceUid, "UI", sopInstanceUid)
            .Text(DicomTags.TransferSyntaxUid, "UI", DicomTransferSyntax.ExplicitVrLittleEndianUid)
            .Text(ImplementationClassUidTag, "UI", ImplementationClassUid)
            .Text(ImplementationVersionNameTag, "SH", ImplementationVersionName)
            .Encode();

        var groupLength = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(groupLength, (uint)meta.Length);
        var lengthElement = new DicomOutputDataset().Bytes(FileMetaGroupLength, "UL", groupLength).Encode();

        using var output = new MemoryStream();
        output.Write(new byte[128]);
        output.Write("DICM"u8);
        output.Write(lengthElement);
        output.Write(meta);
        dataset.WriteTo(output);
        return output.ToArray();
    }
}
