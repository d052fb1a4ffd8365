using System.Collections.Frozen;

namespace SamMpa.Dicom;

/// <summary>How a transfer syntax's pixel data reaches native form.</summary>
public enum DicomPixelEncoding
{
    /// <summary>Uncompressed little endian pixel data, decoded here.</summary>
    Native,

    /// <summary>The whole dataset is deflated; inflated here, then native.</summary>
    Deflated,

    /// <summary>Encapsulated (compressed) frames, made native by a DICOM toolkit process.</summary>
    Encapsulated,
}

/// <summary>The decompressor a compressed transfer syntax needs (a DCMTK or GDCM command).</summary>
public enum DicomDecompressor
{
    None,
    Dcmdjpeg,
    Dcmdjpls,
    Dcmdrle,
    GdcmconvRaw,
}

/// <summary>
/// A transfer syntax the reader knows: its UID, a readable name, whether the dataset is explicit VR, how its pixel
/// data is made native and by which tool. Explicit VR big endian is known only to be refused by name.
/// </summary>
public sealed record DicomTransferSyntax(
    string Uid, string Name, bool ExplicitVr, DicomPixelEncoding Encoding, DicomDecompressor Decompressor, bool Lossy)
{
    public const string ImplicitVrLittleEndianUid = "1.2.840.10008.1.2";
    public const string ExplicitVrLittleEndianUid = "1.2.840.10008.1.2.1";
    public const string DeflatedExplicitVrLittleEndianUid = "1.2.840.10008.1.2.1.99";
    public const string ExplicitVrBigEndianUid = "1.2.840.10008.1.2.2";

    public static DicomTransferSyntax ImplicitVrLittleEndian { get; } =
        new(ImplicitVrLittleEndianUid, "Implicit VR Little Endian", false, DicomPixelEncoding.Native, DicomDecompressor.None, false);

    public static DicomTransferSyntax ExplicitVrLittleEndian { get; } =
        new(ExplicitVrLittleEndianUid, "Explicit VR Little Endian", true, DicomPixelEncoding.Native, DicomDecompressor.None, false);

    /// <summary>Every transfer syntax the reader decodes, by UID.</summary>
    public static IReadOnlyDictionary<string, DicomTransferSyntax> Supported { get; } = new[]
    {
        ImplicitVrLittleEndian,
        ExplicitVrLittleEndian,
        new(DeflatedExplicitVrLittleEndianUid, "Deflated Explicit VR Little Endian", true, DicomPixelEncoding.Deflated, DicomDecompressor.None, false),
        Compressed("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", DicomDecompressor.Dcmdjpeg, lossy: true),
        Compressed("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 & 4)", DicomDecompressor.Dcmdjpeg, lossy: true),
        Compressed("1.2.840.10008.1.2.4.57", "JPEG Lossless (Process 14)", DicomDecompressor.Dcmdjpeg, lossy: false),
        Compressed("1.2.840.10008.1.2.4.70", "JPEG Lossless SV1 (Process 14, first-order prediction)", DicomDecompressor.Dcmdjpeg, lossy: false),
        Compressed("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless", DicomDecompressor.Dcmdjpls, lossy: false),
        Compressed("1.2.840.10008.1.2.4.81", "JPEG-LS Near-Lossless", DicomDecompressor.Dcmdjpls, lossy: true),
        Compressed("1.2.840.10008.1.2.4.90", "JPEG 2000 Lossless", DicomDecompressor.GdcmconvRaw, lossy: false),
        Compressed("1.2.840.10008.1.2.4.91", "JPEG 2000", DicomDecompressor.GdcmconvRaw, lossy: true),
        Compressed("1.2.840.10008.1.2.5", "RLE Lossless", DicomDecompressor.Dcmdrle, lossy: false),
    }.ToFrozenDictionary(syntax => syntax.Uid, StringComparer.Ordinal);

    /// <summary>
    /// The transfer syntax of <paramref name="uid"/>, or a <see cref="DicomReadException"/> naming
    /// <paramref name="path"/> and the UID (and, for big endian, saying why).
    /// </summary>
    public static DicomTransferSyntax Resolve(string uid, string path)
    {
        if (Supported.TryGetValue(uid, out var syntax))
        {
            return syntax;
        }

        if (uid == ExplicitVrBigEndianUid)
        {
            throw new DicomReadException(path, $"unsupported transfer syntax Explicit VR Big Endian ({uid}), retired from DICOM; convert it to little endian first (dcmconv +te)");
        }

        throw new DicomReadException(path, $"unsupported transfer syntax '{uid}' (supported: {string.Join(", ", Supported.Values.Select(s => s.Name))})");
    }

    private static DicomTransferSyntax Compressed(string uid, string name, DicomDecompressor decompressor, bool lossy) =>
        new(uid, name, true, DicomPixelEncoding.Encapsulated, decompressor, lossy);
}
