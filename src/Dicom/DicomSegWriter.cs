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

    /// <summary>A new Series Instance UID under the configured root: one series for several segmentations (a run's).</summary>
    public string NewSeriesUid() => _uids.NewUid();

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
        return WriteFrames(source, sourceName, Enumerable.Range(1, source.NumberOfFrames).ToArray(), frameMasks, seriesInstanceUid);
    }

    /// <summary>
    /// A segmentation of one frame of the instance whose header is <paramref name="source"/>: the mask of frame
    /// <paramref name="frame"/> (0-based) alone, referencing that frame (a dataset image is one frame of an instance).
    /// </summary>
    /// <exception cref="DicomWriteException">The frame is not the source's, the mask does not fit it, or the source lacks a UID to reference.</exception>
    public DicomSegInstance WriteFrame(DicomHeader source, string sourceName, int frame, GrayImage mask, string? seriesInstanceUid = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(sourceName);
        ArgumentNullException.ThrowIfNull(mask);
        if (frame < 0 || frame >= source.NumberOfFrames)
        {
            throw new DicomWriteException(sourceName, $"has {source.NumberOfFrames} frame(s); there is no frame {frame + 1} to segment");
        }

        CheckMask(source, sourceName, frame, mask);
        return WriteFrames(source, sourceName, [frame + 1], [mask], seriesInstanceUid);
    }

    private DicomSegInstance WriteFrames(DicomHeader source, string sourceName, IReadOnlyList<int> sourceFrames, IReadOnlyList<GrayImage> frameMasks, string? seriesInstanceUid)
    {
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
            var dataset = new DicomSegDataset(source, _options, _time.GetLocalNow(), _uids.NewUid(), sourceFrames);
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
            CheckMask(source, sourceName, i, frameMasks[i]);
        }
    }

    private static void CheckMask(DicomHeader source, string sourceName, int frame, GrayImage? mask)
    {
        if (mask is null)
        {
            throw new DicomWriteException(sourceName, $"the mask of frame {frame + 1} is missing (null)");
        }

        if (mask.Width != source.Columns || mask.Height != source.Rows)
        {
            throw new DicomWriteException(
                sourceName, $"the mask of frame {frame + 1} is {mask.Width}x{mask.Height} pixels but the instance's frames are {source.Columns}x{source.Rows} (Columns x Rows)");
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
}
