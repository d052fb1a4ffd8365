using System.Buffers.Binary;
using SamMpa.Dicom;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The header the product needs and the grey-scale pipeline: provenance and spacing kept, MONOCHROME1 inverted,
/// rescale and the VOI window applied (or the configured CT window), one image per frame.
/// </summary>
public sealed class DicomGreyScaleTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly DicomTestFiles _files;

    public DicomGreyScaleTests()
    {
        _files = new DicomTestFiles(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    [DicomToolsFact]
    public async Task Provenance_spacing_and_pixel_format_come_from_the_header()
    {
        var path = await _files.Native16Async(
            "site", DicomTestFiles.Pattern16(),
            "-i", "(0008,0080)=Hospital A", "-i", "(0008,0070)=Acme Medical", "-i", "(0008,1090)=Xray 9000",
            "-i", "(0008,1010)=ROOM2", "-i", "(0008,0060)=DX", "-i", "(0020,0052)=1.2.3.4.5", "-i", "(0028,0030)=0.25\\0.5");

        using var instance = await new DicomImageReader().ReadAsync(path);

        var provenance = instance.Provenance;
        Assert.Equal(("Hospital A", "Acme Medical", "Xray 9000", "ROOM2", "DX", "1.2.3.4.5"), (
            provenance.InstitutionName, provenance.Manufacturer, provenance.ManufacturerModelName, provenance.StationName,
            provenance.Modality, provenance.FrameOfReferenceUid));
        Assert.StartsWith("1.", provenance.StudyInstanceUid, StringComparison.Ordinal);
        Assert.StartsWith("1.", provenance.SeriesInstanceUid, StringComparison.Ordinal);
        Assert.StartsWith("1.", provenance.SopInstanceUid, StringComparison.Ordinal);
        Assert.Equal("1.2.840.10008.5.1.4.1.1.7", provenance.SopClassUid);
        Assert.Equal(new DicomPixelSpacing(0.25, 0.5, "Pixel Spacing"), instance.Header.PixelSpacing);
        var header = instance.Header;
        Assert.Equal((48, 64, 16, 16, 15, 0, 1, "MONOCHROME2", 1), (
            header.Rows, header.Columns, header.BitsAllocated, header.BitsStored, header.HighBit,
            header.PixelRepresentation, header.SamplesPerPixel, header.PhotometricInterpretation, header.NumberOfFrames));
        Assert.Null(header.Window);
        Assert.False(header.HasVoiLut);
    }

    [DicomToolsFact]
    public async Task Monochrome1_is_inverted()
    {
        var source = DicomTestFiles.Pattern16();
        var path = await _files.Native16Async("mono1", source, "-m", "(0028,0004)=MONOCHROME1");

        using var instance = await new DicomImageReader().ReadAsync(path);

        Assert.True(instance.Header.IsMonochrome1);
        var inverted = Assert.Single(instance.Frames).Pixels.ToArray().Select(value => 255f - value).ToArray();
        DicomTransferSyntaxTests.AssertSixteenBitValues(source, inverted);
    }

    [DicomToolsFact]
    public async Task Rescale_then_the_files_window_map_values_onto_the_grey_scale()
    {
        var source = DicomTestFiles.Pattern16();
        var path = await _files.Native16Async(
            "windowed", source, "-i", "(0028,1053)=2", "-i", "(0028,1052)=-1000", "-i", "(0028,1050)=60000\\1", "-i", "(0028,1051)=40000\\2");

        using var instance = await new DicomImageReader().ReadAsync(path);

        Assert.Equal(new DicomWindow(60000, 40000), instance.Header.Window);
        Assert.Equal((2.0, -1000.0), (instance.Header.RescaleSlope, instance.Header.RescaleIntercept));
        AssertWindowed(source, Assert.Single(instance.Frames).Pixels.ToArray(), center: 60000, width: 40000);
    }

    [DicomToolsFact]
    public async Task The_configured_ct_window_replaces_the_files_window_for_ct_only()
    {
        var source = DicomTestFiles.Pattern16();
        string[] tags = ["-i", "(0028,1053)=2", "-i", "(0028,1052)=-1000", "-i", "(0028,1050)=60000", "-i", "(0028,1051)=40000"];
        var ct = await _files.Native16Async("ct", source, [.. tags, "-i", "(0008,0060)=CT"]);
        var mr = await _files.Native16Async("mr", source, [.. tags, "-i", "(0008,0060)=MR"]);
        var reader = new DicomImageReader(new DicomReadOptions { CtWindow = new DicomWindow(30000, 10000) });

        using var ctInstance = await reader.ReadAsync(ct);
        using var mrInstance = await reader.ReadAsync(mr);

        AssertWindowed(source, ctInstance.Frames[0].Pixels.ToArray(), center: 30000, width: 10000);
        AssertWindowed(source, mrInstance.Frames[0].Pixels.ToArray(), center: 60000, width: 40000);
    }

    [DicomToolsFact]
    public async Task A_multi_frame_instance_gives_one_image_per_frame()
    {
        ushort[][] frames = [DicomTestFiles.Pattern16(1), DicomTestFiles.Pattern16(2), DicomTestFiles.Pattern16(3)];
        var pixelData = _files.File("frames.raw");
        await File.WriteAllBytesAsync(pixelData, frames.SelectMany(LittleEndian).ToArray());
        var native = await _files.Native16Async("multi", frames[0], "-i", "(0028,0008)=3", "-mf", $"(7fe0,0010)={pixelData}");
        var compressed = await _files.ConvertAsync(native, "multi-rle", "dcmcrle");

        foreach (var path in new[] { native, compressed })
        {
            using var instance = await new DicomImageReader().ReadAsync(path);

            Assert.Equal(3, instance.Header.NumberOfFrames);
            Assert.Equal(3, instance.Frames.Count);
            for (var i = 0; i < frames.Length; i++)
            {
                DicomTransferSyntaxTests.AssertSixteenBitValues(frames[i], instance.Frames[i].Pixels.ToArray());
            }
        }
    }

    [DicomToolsFact]
    public async Task The_voi_lut_is_applied_and_sequences_of_undefined_length_are_skipped()
    {
        var source = DicomTestFiles.Pattern16();
        var lutData = _files.File("reversing.lut");
        await File.WriteAllBytesAsync(lutData, LittleEndian(Enumerable.Range(0, 65536).Select(i => (ushort)(65535 - i)).ToArray()));
        var native = await _files.Native16Async(
            "sequences", source,
            "-i", "(0008,1140)[0].(0008,1150)=1.2.840.10008.5.1.4.1.1.7", "-i", "(0008,1140)[0].(0008,1155)=1.2.3",
            "-i", "(0028,1050)=100", "-i", "(0028,1051)=50",
            "-i", "(0028,3010)[0].(0028,3002)=0\\0\\16", "-if", $"(0028,3010)[0].(0028,3006)={lutData}",
            "-i", "(0040,0275)[0].(0040,0007)=After the LUT");
        var undefinedExplicit = await _files.ConvertAsync(native, "undefined-explicit", "dcmconv", "+te", "-e");
        var undefinedImplicit = await _files.ConvertAsync(native, "undefined-implicit", "dcmconv", "+ti", "-e");

        foreach (var path in new[] { native, undefinedExplicit, undefinedImplicit })
        {
            using var instance = await new DicomImageReader().ReadAsync(path);

            Assert.Equal((0, 16, 65536), (instance.Header.VoiLut!.FirstMapped, instance.Header.VoiLut.BitsPerEntry, instance.Header.VoiLut.Entries.Count));
            // The LUT reverses the grey scale (preferred to the window the file also carries).
            var reversed = instance.Frames[0].Pixels.ToArray().Select(value => 255f - value).ToArray();
            DicomTransferSyntaxTests.AssertSixteenBitValues(source, reversed);
        }
    }

    private static byte[] LittleEndian(ushort[] values)
    {
        var bytes = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2 * i), values[i]);
        }

        return bytes;
    }

    // PS3.3 C.11.2.1.2.1 on (2 x stored - 1000), onto 0..255.
    private static void AssertWindowed(ushort[] source, float[] pixels, double center, double width)
    {
        for (var i = 0; i < source.Length; i++)
        {
            var value = (2.0 * source[i]) - 1000;
            var expected = value <= center - 0.5 - ((width - 1) / 2) ? 0
                : value > center - 0.5 + ((width - 1) / 2) ? 255
                : (((value - (center - 0.5)) / (width - 1)) + 0.5) * 255;
            Assert.True(Math.Abs(pixels[i] - expected) < 1e-3, $"pixel {i} (stored {source[i]}): {pixels[i]} read, {expected} expected");
        }
    }
}
