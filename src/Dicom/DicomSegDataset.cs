using System.Globalization;

namespace SamMpa.Dicom;

/// <summary>
/// The Segmentation IOD's modules (PS3.3 A.51) for one source instance: patient and study copied, the series and
/// equipment, the segment, the functional groups (shared: pixel measures, plane orientation; per frame: derivation
/// image, frame content, plane position, segment identification), the dimensions and the pixel data. One frame per
/// entry of <paramref name="sourceFrames"/> (1-based source frame numbers): every frame of the source, or some of a
/// multi-frame source's (a dataset image is one frame, and its segmentation that frame's).
/// </summary>
internal sealed class DicomSegDataset(DicomHeader source, DicomSegOptions options, DateTimeOffset now, string dimensionOrganizationUid, IReadOnlyList<int> sourceFrames)
{
    // DCM 113076 "Segmentation" (CID 7203) and DCM 121322 "Source image for image processing operation" (CID 7202).
    private static readonly DicomCode SegmentationDerivation = new() { Value = "113076", Scheme = "DCM", Meaning = "Segmentation" };
    private static readonly DicomCode SourceImagePurpose = new() { Value = "121322", Scheme = "DCM", Meaning = "Source image for image processing operation" };

    // DCM 123110 "Artificial Intelligence" (CID 7162, algorithm families).
    private static readonly DicomCode ArtificialIntelligence = new() { Value = "123110", Scheme = "DCM", Meaning = "Artificial Intelligence" };

    private readonly DicomProvenance _provenance = source.Provenance;

    private bool HasFrameOfReference => _provenance.FrameOfReferenceUid.Length > 0;

    // Frame positions are known for a single frame only (a multi-frame source's per-frame positions are not read).
    private bool HasPlanePosition => HasFrameOfReference && source.ImagePositionPatient.Length > 0 && source.NumberOfFrames == 1;

    private bool HasPlaneOrientation => HasFrameOfReference && source.ImageOrientationPatient.Length > 0;

    private bool IsMultiFrameSource => source.NumberOfFrames > 1;

    public DicomOutputDataset Build(string sopInstanceUid, string seriesInstanceUid, byte[] pixelData)
    {
        var patientStudy = source.PatientStudy;
        var date = now.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
        var time = now.ToString("HHmmss.ffffff", CultureInfo.InvariantCulture);
        var dataset = new DicomOutputDataset()
            .Text(DicomTags.SpecificCharacterSet, "CS", "ISO_IR 192")
            .Texts(DicomSegTags.ImageType, "CS", "DERIVED", "PRIMARY")
            .Text(DicomTags.SopClassUid, "UI", DicomSegInstance.SopClassUid)
            .Text(DicomTags.SopInstanceUid, "UI", sopInstanceUid)
            .Text(DicomTags.StudyDate, "DA", patientStudy.StudyDate)
            .Text(DicomSegTags.ContentDate, "DA", date)
            .Text(DicomTags.StudyTime, "TM", patientStudy.StudyTime)
            .Text(DicomSegTags.ContentTime, "TM", time)
            .Text(DicomTags.AccessionNumber, "SH", patientStudy.AccessionNumber)
            .Text(DicomTags.Modality, "CS", "SEG")
            .Text(DicomTags.Manufacturer, "LO", DicomSegWriter.Manufacturer)
            .Text(DicomTags.ReferringPhysicianName, "PN", patientStudy.ReferringPhysicianName)
            .Text(DicomSegTags.SeriesDescription, "LO", options.SeriesDescription)
            .Text(DicomTags.ManufacturerModelName, "LO", DicomSegWriter.ManufacturerModelName)
            .Sequence(DicomSegTags.ReferencedSeriesSequence, ReferencedSeries())
            .Text(DicomTags.PatientName, "PN", patientStudy.PatientName)
            .Text(DicomTags.PatientId, "LO", patientStudy.PatientId)
            .Text(DicomTags.PatientBirthDate, "DA", patientStudy.PatientBirthDate)
            .Text(DicomTags.PatientSex, "CS", patientStudy.PatientSex)
            .Text(DicomSegTags.DeviceSerialNumber, "LO", options.DeviceSerialNumber)
            .Text(DicomSegTags.SoftwareVersions, "LO", options.AlgorithmVersion)
            .Text(DicomTags.StudyInstanceUid, "UI", _provenance.StudyInstanceUid)
            .Text(DicomTags.SeriesInstanceUid, "UI", seriesInstanceUid)
            .Text(DicomTags.StudyId, "SH", patientStudy.StudyId)
            .Integer(DicomSegTags.SeriesNumber, options.SeriesNumber)
            .Integer(DicomSegTags.InstanceNumber, 1)
            .Sequence(DicomSegTags.DimensionOrganizationSequence, new DicomOutputDataset().Text(DicomSegTags.DimensionOrganizationUid, "UI", dimensionOrganizationUid))
            .Sequence(DicomSegTags.DimensionIndexSequence, DimensionIndex())
            .UnsignedShort(DicomTags.SamplesPerPixel, 1)
            .Text(DicomTags.PhotometricInterpretation, "CS", "MONOCHROME2")
            .Integer(DicomTags.NumberOfFrames, sourceFrames.Count)
            .UnsignedShort(DicomTags.Rows, (ushort)source.Rows)
            .UnsignedShort(DicomTags.Columns, (ushort)source.Columns)
            .UnsignedShort(DicomTags.BitsAllocated, 1)
            .UnsignedShort(DicomTags.BitsStored, 1)
            .UnsignedShort(DicomTags.HighBit, 0)
            .UnsignedShort(DicomTags.PixelRepresentation, 0)
            .Text(DicomSegTags.LossyImageCompression, "CS", "00")
            .Text(DicomSegTags.SegmentationType, "CS", "BINARY")
            .Sequence(DicomSegTags.SegmentSequence, Segment())
            .Text(DicomSegTags.ContentLabel, "CS", options.ContentLabel)
            .Text(DicomSegTags.ContentDescription, "LO", options.ContentDescription is { Length: > 0 } description ? description : Truncate($"{DicomSegWriter.AlgorithmName} segmentation of {options.TargetName}", 64))
            .Text(DicomSegTags.ContentCreatorName, "PN", options.ContentCreatorName)
            .Sequence(DicomSegTags.SharedFunctionalGroupsSequence, SharedFunctionalGroups())
            .Sequence(DicomSegTags.PerFrameFunctionalGroupsSequence, sourceFrames.Select(PerFrameFunctionalGroups))
            .Bytes(DicomTags.PixelData, "OB", pixelData);

        // General Image: Patient Orientation (type 2C) is needed where Image Orientation (Patient) is not given.
        if (!HasPlaneOrientation)
        {
            dataset.Text(DicomSegTags.PatientOrientation, "CS", "");
        }

        if (HasFrameOfReference)
        {
            dataset
                .Text(DicomTags.FrameOfReferenceUid, "UI", _provenance.FrameOfReferenceUid)
                .Text(DicomSegTags.PositionReferenceIndicator, "LO", "");
        }

        return dataset;
    }

    private DicomOutputDataset ReferencedSeries() => new DicomOutputDataset()
        .Text(DicomTags.SeriesInstanceUid, "UI", _provenance.SeriesInstanceUid)
        .Sequence(DicomSegTags.ReferencedInstanceSequence, new DicomOutputDataset()
            .Text(DicomSegTags.ReferencedSopClassUid, "UI", _provenance.SopClassUid)
            .Text(DicomSegTags.ReferencedSopInstanceUid, "UI", _provenance.SopInstanceUid));

    private DicomOutputDataset Segment() => new DicomOutputDataset()
        .Sequence(DicomSegTags.SegmentedPropertyCategoryCodeSequence, options.Category.ToItem())
        .UnsignedShort(DicomSegTags.SegmentNumber, 1)
        .Text(DicomSegTags.SegmentLabel, "LO", options.TargetName)
        .Sequence(DicomSegTags.SegmentationAlgorithmIdentificationSequence, new DicomOutputDataset()
            .Sequence(DicomSegTags.AlgorithmFamilyCodeSequence, ArtificialIntelligence.ToItem())
            .Text(DicomSegTags.AlgorithmVersion, "LO", options.AlgorithmVersion)
            .Text(DicomSegTags.AlgorithmName, "LO", DicomSegWriter.AlgorithmName))
        .Text(DicomSegTags.SegmentAlgorithmType, "CS", "AUTOMATIC")
        .Text(DicomSegTags.SegmentAlgorithmName, "LO", DicomSegWriter.AlgorithmName)
        .Sequence(DicomSegTags.SegmentedPropertyTypeCodeSequence, options.TargetCode.ToItem());

    // Frames are indexed by segment and, when frames have positions, by position; a multi-frame source without
    // them by its frame order (the in-stack position).
    private IEnumerable<DicomOutputDataset> DimensionIndex()
    {
        yield return Dimension(DicomSegTags.ReferencedSegmentNumber, DicomSegTags.SegmentIdentificationSequence, "Segment number");
        if (HasPlanePosition)
        {
            yield return Dimension(DicomTags.ImagePositionPatient, DicomSegTags.PlanePositionSequence, "Image position");
        }
        else if (IsMultiFrameSource)
        {
            yield return Dimension(DicomSegTags.InStackPositionNumber, DicomSegTags.FrameContentSequence, "Source frame");
        }
    }

    private DicomOutputDataset Dimension(uint indexPointer, uint functionalGroup, string label) => new DicomOutputDataset()
        .Text(DicomSegTags.DimensionOrganizationUid, "UI", dimensionOrganizationUid)
        .AttributeTag(DicomSegTags.DimensionIndexPointer, indexPointer)
        .AttributeTag(DicomSegTags.FunctionalGroupPointer, functionalGroup)
        .Text(DicomSegTags.DimensionDescriptionLabel, "LO", label);

    private DicomOutputDataset SharedFunctionalGroups()
    {
        var groups = new DicomOutputDataset();
        if (PixelMeasures() is { } measures)
        {
            groups.Sequence(DicomSegTags.PixelMeasuresSequence, measures);
        }

        if (HasPlaneOrientation)
        {
            groups.Sequence(DicomSegTags.PlaneOrientationSequence, new DicomOutputDataset()
                .Text(DicomTags.ImageOrientationPatient, "DS", source.ImageOrientationPatient));
        }

        return groups;
    }

    // In a frame of reference, Pixel Measures needs a Slice Thickness too (1C); a source without one (a projection)
    // gets none rather than a made-up thickness. Outside one, the pixel spacing alone is written.
    private DicomOutputDataset? PixelMeasures()
    {
        if (source.PixelSpacing is not { } spacing || (HasFrameOfReference && source.SliceThickness.Length == 0))
        {
            return null;
        }

        var measures = new DicomOutputDataset()
            .Texts(DicomTags.PixelSpacing, "DS", Decimal(spacing.RowMillimetres), Decimal(spacing.ColumnMillimetres));
        if (source.SliceThickness.Length > 0)
        {
            measures.Text(DicomTags.SliceThickness, "DS", source.SliceThickness);
        }

        return measures;
    }

    private DicomOutputDataset PerFrameFunctionalGroups(int frameNumber)
    {
        var sourceImage = new DicomOutputDataset()
            .Text(DicomSegTags.ReferencedSopClassUid, "UI", _provenance.SopClassUid)
            .Text(DicomSegTags.ReferencedSopInstanceUid, "UI", _provenance.SopInstanceUid)
            .Sequence(DicomSegTags.PurposeOfReferenceCodeSequence, SourceImagePurpose.ToItem());
        if (IsMultiFrameSource)
        {
            sourceImage.Integer(DicomSegTags.ReferencedFrameNumber, frameNumber);
        }

        var frameContent = new DicomOutputDataset();
        var groups = new DicomOutputDataset()
            .Sequence(DicomSegTags.DerivationImageSequence, new DicomOutputDataset()
                .Sequence(DicomSegTags.DerivationCodeSequence, SegmentationDerivation.ToItem())
                .Sequence(DicomSegTags.SourceImageSequence, sourceImage))
            .Sequence(DicomSegTags.FrameContentSequence, frameContent)
            .Sequence(DicomSegTags.SegmentIdentificationSequence, new DicomOutputDataset().UnsignedShort(DicomSegTags.ReferencedSegmentNumber, 1));

        if (HasPlanePosition)
        {
            groups.Sequence(DicomSegTags.PlanePositionSequence, new DicomOutputDataset()
                .Text(DicomTags.ImagePositionPatient, "DS", source.ImagePositionPatient));
            frameContent.UnsignedLongs(DicomSegTags.DimensionIndexValues, 1, 1);
        }
        else if (IsMultiFrameSource)
        {
            frameContent
                .Text(DicomSegTags.StackId, "SH", "1")
                .UnsignedLongs(DicomSegTags.InStackPositionNumber, (uint)frameNumber)
                .UnsignedLongs(DicomSegTags.DimensionIndexValues, 1, (uint)frameNumber);
        }
        else
        {
            frameContent.UnsignedLongs(DicomSegTags.DimensionIndexValues, 1);
        }

        return groups;
    }

    private static string Decimal(double value)
    {
        // DS holds 16 characters at most; "R" keeps the value exactly when it fits.
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.Length <= 16 ? text : value.ToString("G10", CultureInfo.InvariantCulture);
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length];
}
