using SamMpa.Dicom;

namespace SamMpa.Grains.Datasets.Dicom;

/// <summary>The <see cref="ImageProvenance"/> of one frame of a DICOM instance read from a file.</summary>
public static class DicomImageProvenance
{
    /// <param name="frame">0-based.</param>
    /// <param name="sourceFile">The file's name as the user gave it (its folder left out: a path of their machine says nothing to the cluster).</param>
    /// <param name="sourceInstanceBlob">Where the instance is kept (<c>DatasetBlobLayout.SourceInstance</c>).</param>
    public static ImageProvenance Of(DicomHeader header, int frame, string sourceFile, string sourceInstanceBlob)
    {
        ArgumentNullException.ThrowIfNull(header);
        var provenance = header.Provenance;
        return new ImageProvenance
        {
            StudyInstanceUid = provenance.StudyInstanceUid,
            SeriesInstanceUid = provenance.SeriesInstanceUid,
            SopInstanceUid = provenance.SopInstanceUid,
            SopClassUid = provenance.SopClassUid,
            FrameOfReferenceUid = provenance.FrameOfReferenceUid,
            Frame = frame,
            Frames = header.NumberOfFrames,
            InstitutionName = provenance.InstitutionName,
            Manufacturer = provenance.Manufacturer,
            ManufacturerModelName = provenance.ManufacturerModelName,
            StationName = provenance.StationName,
            Modality = provenance.Modality,
            PixelSpacing = header.PixelSpacing is { } spacing ? [spacing.RowMillimetres, spacing.ColumnMillimetres] : null,
            SourceInstanceBlob = sourceInstanceBlob,
            SourceFile = Path.GetFileName(sourceFile),
        };
    }
}
