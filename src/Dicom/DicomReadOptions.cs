using SamMpa.Imaging.Images;

namespace SamMpa.Dicom;

/// <summary>
/// How DICOM files are read: the decompressor commands (a name looked up on PATH, or a path), their time limit, the
/// work folder root, an optional CT window and the image limits. Settable from configuration (section "Dicom").
/// </summary>
public sealed record DicomReadOptions
{
    public const string SectionName = "Dicom";

    /// <summary>DCMTK's JPEG decompressor (baseline, extended, lossless).</summary>
    public string DcmdjpegPath { get; init; } = "dcmdjpeg";

    /// <summary>DCMTK's JPEG-LS decompressor.</summary>
    public string DcmdjplsPath { get; init; } = "dcmdjpls";

    /// <summary>DCMTK's RLE decompressor.</summary>
    public string DcmdrlePath { get; init; } = "dcmdrle";

    /// <summary>GDCM's converter, run with --raw for JPEG 2000.</summary>
    public string GdcmconvPath { get; init; } = "gdcmconv";

    /// <summary>Limit for one decompressor run; the process tree is killed past it.</summary>
    public TimeSpan ToolTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Where per-file work folders are created (and removed after); null means <see cref="Path.GetTempPath"/>.</summary>
    public string? WorkRoot { get; init; }

    /// <summary>
    /// A window for CT instances (Modality CT), used instead of the window the file carries: one grey scale across a
    /// whole archive whatever each scanner wrote (40/400 for soft tissue, -600/1500 for lung). Null: the file's.
    /// </summary>
    public DicomWindow? CtWindow { get; init; }

    /// <summary>
    /// Largest frame (pixels) and file (bytes); the native pixel data of all frames must fit in the byte limit too,
    /// checked from the header before anything is decoded or decompressed.
    /// </summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;

    /// <summary>The command a transfer syntax's decompressor runs.</summary>
    internal string ToolPath(DicomDecompressor decompressor) => decompressor switch
    {
        DicomDecompressor.Dcmdjpeg => DcmdjpegPath,
        DicomDecompressor.Dcmdjpls => DcmdjplsPath,
        DicomDecompressor.Dcmdrle => DcmdrlePath,
        DicomDecompressor.GdcmconvRaw => GdcmconvPath,
        _ => throw new ArgumentOutOfRangeException(nameof(decompressor), decompressor, "no decompressor"),
    };
}
