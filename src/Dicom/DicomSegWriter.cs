using System.Globalization;
using SamMpa.Imaging.Images;

namespace SamMpa.Dicom;

/// <summary>
/// Writes a final binary mask as a DICOM Segmentation (PS3.3 A.51, Segmentation Storage): one BINARY segment naming
/// the target and the algorithm SAM-MPA, one frame per source frame (pixels packed a bit each, frames concatenated),
/// in the source's study and frame of reference, each frame referencing its source frame. Patient and study
/// attributes are copied from the source; the series and instance are new.
/// </summary>
public sealed class DicomSegWriter
{
    public const string AlgorithmName = "SAM-MPA";
    public const string Manufacturer = "SamMpa";
    public const string ManufacturerModelName = "SamMpa.Cluster";

    // DCM 113076 "Segmentation" (CID 7203) and DCM 121322 "Source image for image processing operation" (CID 7202).
    private static readonly DicomCode SegmentationDerivation = new() { Value = "113076", Scheme = "DCM", Meaning = "Segmentation" };
    private static readonly DicomCode SourceImagePurpose = new() { Value = "121322", Scheme = "DCM", Meaning = "Source image for image processing operation" };

    // DCM 123110 "Artificial Intelligence" (CID 7162, algorithm families).
    private static readonly DicomCode ArtificialIntelligence = new() { Value = "123110", Scheme = "DCM", Meaning = "Artificial Intelligence" };

    private readonly DicomSegOptions _options;
    private readonly TimeProvider _time;
    private readonly DicomUidGenerator _uids;

    public DicomSegWriter(DicomSegOptions options)
        : this(options, TimeProvider.System)
    {
    }

    /// <exception cref="ArgumentException">An option cannot be written; the message names each one.</exception>
    public DicomSegWriter(DicomSegOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"DICOM SEG options cannot be used: {string.Join("; ", problems)}", nameof(options));
        }

        _options = options;
        _time = time;
        _uids = new DicomUidGenerator(options.UidRoot);
    }

    /// <summary>A segmentation of <paramref name="source"/>'s frames, one mask per frame.</summary>
    public DicomSegInstance Write(DicomInstance source, IReadOnlyList<GrayImage> frameMasks, string? seriesInstanceUid = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Write(source.Header, source.Path, frameMasks, seriesInstanceUid);
    }

    /// <summary>
    /// A segmentation of the instance whose header is <paramref name="source"/> (named <paramref name="sourceName"/> in
    /// errors): one mask per source frame, each the source's Columns x Rows, a pixel inside the segment where nonzero.
    /// </summary>
    /// <param name="seriesInstanceUid">The series to put it in (one series for a run's segmentations); null for a new one.</param>
    /// <exception cref="DicomWriteException">The masks do not fit the source, or the source lacks a UID to reference.</exception>
    public DicomSegInstance Write(DicomHeader source, string sourceName, IReadOnlyList<GrayImage> frameMasks, string? seriesInstanceUid = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(frameMasks);
        CheckMasks(source, sourceName, frameMasks);
        CheckSourceUids(source.Provenance, sourceName);
        CheckCopiedValues(source, sourceName);
        if (!string.IsNullOrEmpty(seriesInstanceUid) && DicomVr.CheckText("UI", seriesInstanceUid) is { } seriesProblem)
        {
            throw new ArgumentException($"Series Instance UID {seriesProblem}", nameof(seriesInstanceUid));
        }

        var sopInstanceUid = _uids.NewUid();
        var seriesUid = string.IsNullOrEmpty(seriesInstanceUid) ? _uids.NewUid() : seriesInstanceUid;
        try
        {
            var dataset = new DicomSegDataset(source, _options, _time.GetLocalNow(), _uids.NewUid());
            var content = DicomPart10Writer.Write(dataset.Build(sopInstanceUid, seriesUid, PackBits(frameMasks)), DicomSegInstance.SopClassUid, sopInstanceUid);
            return new DicomSegInstance(content, sopInstanceUid, seriesUid);
        }
        catch (ArgumentException e)
        {
            // Every value written was checked above; this names the element should one still be refused.
            throw new DicomWriteException(sourceName, $"cannot be written as a segmentation: {e.Message}", e);
        }
    }

    private static void CheckMasks(DicomHeader source, string sourceName, IReadOnlyList<GrayImage> frameMasks)
    {
        if (frameMasks.Count != source.NumberOfFrames)
        {
            throw new DicomWriteException(
                sourceName, $"{frameMasks.Count} mask(s) given for an instance of {source.NumberOfFrames} frame(s); one mask per frame is needed");
        }

        for (var i = 0; i < frameMasks.Count; i++)
        {
            var mask = frameMasks[i] ?? throw new DicomWriteException(sourceName, $"the mask of frame {i + 1} is missing (null)");
            if (mask.Width != source.Columns || mask.Height != source.Rows)
            {
                throw new DicomWriteException(
                    sourceName, $"the mask of frame {i + 1} is {mask.Width}x{mask.Height} pixels but the instance's frames are {source.Columns}x{source.Rows} (Columns x Rows)");
            }
        }
    }

    private static void CheckSourceUids(DicomProvenance provenance, string sourceName)
    {
        foreach (var (uid, attribute) in new[]
                 {
                     (provenance.StudyInstanceUid, "Study Instance UID (0020,000D)"),
                     (provenance.SeriesInstanceUid, "Series Instance UID (0020,000E)"),
                     (provenance.SopInstanceUid, "SOP Instance UID (0008,0018)"),
                     (provenance.SopClassUid, "SOP Class UID (0008,0016)"),
                 })
        {
            if (string.IsNullOrEmpty(uid))
            {
                throw new DicomWriteException(sourceName, $"has no {attribute}, which a segmentation must reference");
            }
        }
    }

    // The source's values copied as they are: one its VR does not allow would make the segmentation invalid.
    private static void CheckCopiedValues(DicomHeader source, string sourceName)
    {
        var patientStudy = source.PatientStudy;
        var provenance = source.Provenance;
        foreach (var (value, vr, attribute) in new[]
                 {
                     (patientStudy.PatientName, "PN", "Patient's Name (0010,0010)"),
                     (patientStudy.PatientId, "LO", "Patient ID (0010,0020)"),
                     (patientStudy.PatientBirthDate, "DA", "Patient's Birth Date (0010,0030)"),
                     (patientStudy.PatientSex, "CS", "Patient's Sex (0010,0040)"),
                     (patientStudy.StudyDate, "DA", "Study Date (0008,0020)"),
                     (patientStudy.StudyTime, "TM", "Study Time (0008,0030)"),
                     (patientStudy.ReferringPhysicianName, "PN", "Referring Physician's Name (0008,0090)"),
                     (patientStudy.StudyId, "SH", "Study ID (0020,0010)"),
                     (patientStudy.AccessionNumber, "SH", "Accession Number (0008,0050)"),
                     (provenance.StudyInstanceUid, "UI", "Study Instance UID (0020,000D)"),
                     (provenance.SeriesInstanceUid, "UI", "Series Instance UID (0020,000E)"),
                     (provenance.SopInstanceUid, "UI", "SOP Instance UID (0008,0018)"),
                     (provenance.SopClassUid, "UI", "SOP Class UID (0008,0016)"),
                     (provenance.FrameOfReferenceUid, "UI", "Frame of Reference UID (0020,0052)"),
                     (source.ImageOrientationPatient, "DS", "Image Orientation (Patient) (0020,0037)"),
                     (source.ImagePositionPatient, "DS", "Image Position (Patient) (0020,0032)"),
                     (source.SliceThickness, "DS", "Slice Thickness (0018,0050)"),
                 })
        {
            if (DicomVr.CheckText(vr, value) is { } problem)
            {
                throw new DicomWriteException(sourceName, $"its {attribute} cannot be copied into a segmentation: {problem}");
            }
        }
    }

    // BINARY segmentations: one bit a pixel, the first pixel in the lowest bit of the first byte, the frames one after
    // another with no padding between them (PS3.5 8.1.1); the writer pads the whole to even length.
    private static byte[] PackBits(IReadOnlyList<GrayImage> frameMasks)
    {
        var pixelsPerFrame = (long)frameMasks[0].Length;
        var packed = new byte[((pixelsPerFrame * frameMasks.Count) + 7) / 8];
        long bit = 0;
        foreach (var mask in frameMasks)
        {
            foreach (var value in mask.Pixels)
            {
                if (value != 0)
                {
                    packed[bit >> 3] |= (byte)(1 << (int)(bit & 7));
                }

                bit++;
            }
        }

        return packed;
    }

    /// <summary>The Segmentation IOD's modules, built from the source header and the options.</summary>
    private sealed class DicomSegDataset(DicomHeader source, DicomSegOptions options, DateTimeOffset now, string dimensionOrganizationUid)
    {
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
                .Text(DicomTags.Manufacturer, "LO", Manufacturer)
                .Text(DicomTags.ReferringPhysicianName, "PN", patientStudy.ReferringPhysicianName)
                .Text(DicomSegTags.SeriesDescription, "LO", options.SeriesDescription)
                .Text(DicomTags.ManufacturerModelName, "LO", ManufacturerModelName)
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
                .Integer(DicomTags.NumberOfFrames, source.NumberOfFrames)
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
                .Text(DicomSegTags.ContentDescription, "LO", options.ContentDescription is { Length: > 0 } description ? description : Truncate($"{AlgorithmName} segmentation of {options.TargetName}", 64))
                .Text(DicomSegTags.ContentCreatorName, "PN", options.ContentCreatorName)
                .Sequence(DicomSegTags.SharedFunctionalGroupsSequence, SharedFunctionalGroups())
                .Sequence(DicomSegTags.PerFrameFunctionalGroupsSequence, Enumerable.Range(1, source.NumberOfFrames).Select(PerFrameFunctionalGroups))
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
                .Text(DicomSegTags.AlgorithmName, "LO", AlgorithmName))
            .Text(DicomSegTags.SegmentAlgorithmType, "CS", "AUTOMATIC")
            .Text(DicomSegTags.SegmentAlgorithmName, "LO", AlgorithmName)
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
}
