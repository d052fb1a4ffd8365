using System.Text.Json;
using SamMpa.Dicom;
using SamMpa.Imaging.Images;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// Segmentations written for source instances the toolkits make, checked by others' readers: dciodvfy finds no
/// error, dcmdump parses them, and pydicom reads back each frame equal to its mask with the right references.
/// </summary>
public sealed class DicomSegWriterTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly DicomTestFiles _files;

    public DicomSegWriterTests()
    {
        _files = new DicomTestFiles(_folder.Path);
    }

    // A SOP class whose instances have frames: only those may be referenced frame by frame.
    private const string MultiFrameGrayscaleWordSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7.3";

    public void Dispose() => _folder.Dispose();

    [DicomSegToolsFact]
    public async Task A_single_frame_segmentation_passes_dciodvfy_and_dcmdump()
    {
        using var source = await SingleFrameSourceAsync();
        using var mask = DicomSegTestData.Mask(DicomTestFiles.Width, DicomTestFiles.Height);

        var path = await WriteAsync(source, [mask]);

        await AssertNoDciodvfyErrorAsync(path);
        var dump = await DicomSegCheckers.DumpAsync(path);
        Assert.Contains("=SegmentationStorage", dump, StringComparison.Ordinal);
        Assert.Contains("[BINARY]", dump, StringComparison.Ordinal);
    }

    [DicomSegToolsFact]
    public async Task A_single_frame_segmentation_reads_back_in_pydicom_as_the_mask_referencing_its_source()
    {
        using var source = await SingleFrameSourceAsync();
        using var mask = DicomSegTestData.Mask(DicomTestFiles.Width, DicomTestFiles.Height);

        var path = await WriteAsync(source, [mask]);

        var seg = await DicomSegCheckers.ReadWithPydicomAsync(path);
        Assert.Equal(DicomSegTestData.Bits(mask), Assert.Single(Strings(seg, "frames")));
        var provenance = source.Provenance;
        Assert.Equal(
            (DicomSegInstance.SopClassUid, "SEG", "BINARY", provenance.StudyInstanceUid, "1.2.826.0.1.3680043.10.1", DicomTestFiles.Height, DicomTestFiles.Width),
            (Text(seg, "sopClassUid"), Text(seg, "modality"), Text(seg, "segmentationType"), Text(seg, "studyInstanceUid"), Text(seg, "frameOfReferenceUid"), seg.GetProperty("rows").GetInt32(), seg.GetProperty("columns").GetInt32()));
        Assert.NotEqual(provenance.SeriesInstanceUid, Text(seg, "seriesInstanceUid"));
        Assert.NotEqual(provenance.SopInstanceUid, Text(seg, "sopInstanceUid"));
        Assert.Equal([provenance.SopInstanceUid], Strings(seg, "referencedInstances"));
        var reference = Assert.Single(seg.GetProperty("frameReferences").EnumerateArray());
        Assert.Equal((provenance.SopClassUid, provenance.SopInstanceUid, 1), (Text(reference, "sopClassUid"), Text(reference, "sopInstanceUid"), reference.GetProperty("segmentNumber").GetInt32()));
        Assert.Equal(JsonValueKind.Null, reference.GetProperty("frameNumber").ValueKind);
        Assert.Equal(
            ("Doe^Jane", "P-42", "ACC-9", "Left lung", DicomSegWriter.AlgorithmName, "1.4.0", "44029006"),
            (Text(seg, "patientName"), Text(seg, "patientId"), Text(seg, "accessionNumber"), Text(seg, "segmentLabel"), Text(seg, "segmentAlgorithmName"), Text(seg, "algorithmVersion"), Text(seg, "targetCode")));
        var patientStudy = source.Header.PatientStudy;
        Assert.Equal(
            ("19700101", "F", "STUDY1", "Who^Referred", patientStudy.StudyDate, patientStudy.StudyTime),
            (Text(seg, "patientBirthDate"), Text(seg, "patientSex"), Text(seg, "studyId"), Text(seg, "referringPhysicianName"), Text(seg, "studyDate"), Text(seg, "studyTime")));
        Assert.Matches("^[0-9]{8}$", patientStudy.StudyDate);
        var geometry = seg.GetProperty("geometry");
        Assert.Equal([0.5, 0.25], Numbers(geometry.GetProperty("pixelSpacing")));
        Assert.Equal(1.5, geometry.GetProperty("sliceThickness").GetDouble());
        Assert.Equal([1.0, 0, 0, 0, 1, 0], Numbers(geometry.GetProperty("imageOrientation")));
        Assert.Equal([-16.0, -12, 0], Numbers(Assert.Single(geometry.GetProperty("imagePositions").EnumerateArray())));
    }

    [DicomSegToolsFact]
    public async Task A_multi_frame_source_gets_one_segmentation_frame_per_source_frame()
    {
        ushort[][] frames = [DicomTestFiles.Pattern16(1), DicomTestFiles.Pattern16(2), DicomTestFiles.Pattern16(3)];
        var pixelData = _files.File("frames.raw");
        await File.WriteAllBytesAsync(pixelData, frames.SelectMany(frame => frame.SelectMany(BitConverter.GetBytes)).ToArray());
        var sourcePath = await _files.Native16Async(
            "multi", frames[0], "-i", "(0028,0008)=3", "-mf", $"(7fe0,0010)={pixelData}", "-m", $"(0008,0016)={MultiFrameGrayscaleWordSecondaryCapture}");
        using var source = await new DicomImageReader().ReadAsync(sourcePath);
        var masks = Enumerable.Range(0, 3).Select(i => DicomSegTestData.Mask(DicomTestFiles.Width, DicomTestFiles.Height, shift: 4 * i)).ToList();

        try
        {
            var path = await WriteAsync(source, masks);

            await AssertNoDciodvfyErrorAsync(path);
            var seg = await DicomSegCheckers.ReadWithPydicomAsync(path);
            Assert.Equal(masks.Select(DicomSegTestData.Bits), Strings(seg, "frames"));
            var references = seg.GetProperty("frameReferences").EnumerateArray()
                .Select(reference => (Text(reference, "sopInstanceUid"), reference.GetProperty("frameNumber").GetInt32()));
            Assert.Equal([(source.Provenance.SopInstanceUid, 1), (source.Provenance.SopInstanceUid, 2), (source.Provenance.SopInstanceUid, 3)], references);
        }
        finally
        {
            masks.ForEach(mask => mask.Dispose());
        }
    }

    // 13x7 frames are 91 bits: every frame after the first starts inside a byte, as PS3.5 packs them.
    [DicomSegToolsFact]
    public async Task Frames_of_an_odd_size_are_packed_without_padding_between_them_as_pydicom_reads_them()
    {
        var masks = Enumerable.Range(0, 3).Select(i => DicomSegTestData.Mask(13, 7, shift: i)).ToList();
        try
        {
            var seg = new DicomSegWriter(DicomSegTestData.Options).Write(DicomSegTestData.Header(13, 7, frames: 3), "odd.dcm", masks);
            var path = _folder.File("odd-seg.dcm");
            await File.WriteAllBytesAsync(path, seg.Content);

            await AssertNoDciodvfyErrorAsync(path);
            var read = await DicomSegCheckers.ReadWithPydicomAsync(path);
            Assert.Equal(masks.Select(DicomSegTestData.Bits), Strings(read, "frames"));
        }
        finally
        {
            masks.ForEach(mask => mask.Dispose());
        }
    }

    // Per-frame positions of a multi-frame source are not read: the frames share its orientation and spacing, and are
    // indexed by their order.
    [DicomSegToolsFact]
    public async Task A_multi_frame_source_in_a_frame_of_reference_keeps_its_orientation_and_spacing()
    {
        var source = DicomSegTestData.Header(16, 8, frames: 2) with
        {
            ImageOrientationPatient = "0\\1\\0\\0\\0\\-1",
            PixelSpacing = new DicomPixelSpacing(0.7, 0.7, "Pixel Spacing"),
            SliceThickness = "3",
        };
        source = source with { Provenance = source.Provenance with { FrameOfReferenceUid = "1.2.3.100.9" } };
        var masks = Enumerable.Range(0, 2).Select(i => DicomSegTestData.Mask(16, 8, shift: 2 * i)).ToList();
        try
        {
            var path = _folder.File("for-seg.dcm");
            await File.WriteAllBytesAsync(path, new DicomSegWriter(DicomSegTestData.Options).Write(source, "for.dcm", masks).Content);

            await AssertNoDciodvfyErrorAsync(path);
            var seg = await DicomSegCheckers.ReadWithPydicomAsync(path);
            Assert.Equal(masks.Select(DicomSegTestData.Bits), Strings(seg, "frames"));
            Assert.Equal("1.2.3.100.9", Text(seg, "frameOfReferenceUid"));
            var geometry = seg.GetProperty("geometry");
            Assert.Equal([0.0, 1, 0, 0, 0, -1], Numbers(geometry.GetProperty("imageOrientation")));
            Assert.Equal([0.7, 0.7], Numbers(geometry.GetProperty("pixelSpacing")));
        }
        finally
        {
            masks.ForEach(mask => mask.Dispose());
        }
    }

    private async Task<DicomInstance> SingleFrameSourceAsync()
    {
        var path = await _files.Native8Async(
            "source", DicomTestFiles.Ramp8(),
            "-i", "(0010,0010)=Doe^Jane", "-i", "(0010,0020)=P-42", "-i", "(0010,0030)=19700101", "-i", "(0010,0040)=F",
            "-i", "(0008,0090)=Who^Referred", "-i", "(0020,0010)=STUDY1", "-i", "(0008,0050)=ACC-9", "-i", "(0008,0060)=OT",
            "-i", "(0020,0052)=1.2.826.0.1.3680043.10.1", "-i", "(0020,0037)=1\\0\\0\\0\\1\\0", "-i", "(0020,0032)=-16\\-12\\0",
            "-i", "(0028,0030)=0.5\\0.25", "-i", "(0018,0050)=1.5");
        return await new DicomImageReader().ReadAsync(path);
    }

    private async Task<string> WriteAsync(DicomInstance source, IReadOnlyList<GrayImage> masks)
    {
        var seg = new DicomSegWriter(DicomSegTestData.Options).Write(source, masks);
        var path = _folder.File($"{Path.GetFileNameWithoutExtension(source.Path)}-seg.dcm");
        await File.WriteAllBytesAsync(path, seg.Content);
        return path;
    }

    private static async Task AssertNoDciodvfyErrorAsync(string path)
    {
        var (errors, output) = await DicomSegCheckers.VerifyAsync(path);
        Assert.True(errors.Count == 0, $"dciodvfy found {errors.Count} error(s) in {path}:\n{output}");
    }

    private static string Text(JsonElement element, string property) => element.GetProperty(property).GetString() ?? "";

    private static List<double> Numbers(JsonElement array) => [.. array.EnumerateArray().Select(item => item.GetDouble())];

    private static List<string> Strings(JsonElement element, string property) =>
        [.. element.GetProperty(property).EnumerateArray().Select(item => item.GetString() ?? "")];
}
