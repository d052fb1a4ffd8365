namespace SamMpa.Dicom.Import;

/// <summary>
/// A DICOM Part-10 file turned into dataset images: the file as read (kept beside the images, for the segmentations
/// that reference it), its header (provenance, pixel spacing) and one image per frame, in frame order.
/// </summary>
public sealed record DicomImport(string SourceFile, byte[] Content, DicomHeader Header, IReadOnlyList<DicomImportedImage> Images)
{
    public DicomProvenance Provenance => Header.Provenance;

    /// <summary>The source file's name without its folder (what the images are named after).</summary>
    public string SourceName => System.IO.Path.GetFileName(SourceFile);
}
