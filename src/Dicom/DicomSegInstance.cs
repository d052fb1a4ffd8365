namespace SamMpa.Dicom;

/// <summary>A DICOM Segmentation written: the Part-10 file's bytes and the UIDs it was given.</summary>
public sealed record DicomSegInstance(byte[] Content, string SopInstanceUid, string SeriesInstanceUid)
{
    /// <summary>Segmentation Storage.</summary>
    public const string SopClassUid = "1.2.840.10008.5.1.4.1.1.66.4";
}
