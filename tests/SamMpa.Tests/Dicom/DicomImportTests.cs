using System.Text.Json;
using SamMpa.Client.Cluster;
using SamMpa.Dicom;
using SamMpa.Dicom.Import;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Imaging.Images;
using SamMpa.Storage;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// DICOM files as dataset images (the converter every DICOM source shares): 16-bit PNGs that keep 12- and 16-bit
/// precision, one per frame with its provenance, and the bad-DICOM matrix, one test each: the bad file named with its
/// reason, the good one beside it imported.
/// </summary>
public sealed class DicomImportTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly DicomTestFiles _files;

    public DicomImportTests() => _files = new DicomTestFiles(_folder.Path);

    public void Dispose() => _folder.Dispose();

    [DicomToolsFact]
    public async Task A_12_bit_instance_keeps_levels_that_8_bits_would_merge()
    {
        // Neighbouring 12-bit levels: 16 stored values that an 8-bit image would fold into 1 or 2 levels.
        var values = new ushort[DicomTestFiles.Width * DicomTestFiles.Height];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (ushort)(2000 + (i % 16));
        }

        var path = await _files.Native16Async("twelve", values, "-m", "(0028,0101)=12", "-m", "(0028,0102)=11");

        var import = await new DicomImporter().ImportAsync(path);

        var image = Assert.Single(import.Images);
        Assert.Equal("twelve.png", image.Name);
        var png = _folder.File(image.Name);
        await File.WriteAllBytesAsync(png, image.Png);
        using var read = ImageFile.Read(png);
        var sixteenBit = read.Pixels.ToArray().Select(Png16Encoder.Sample).Distinct().Count();
        var eightBit = read.Pixels.ToArray().Select(v => (int)Math.Round(v)).Distinct().Count();
        Assert.Equal(16, sixteenBit);
        Assert.True(eightBit <= 2, $"8 bits should merge the 16 neighbouring 12-bit levels, kept {eightBit}");
    }

    [DicomToolsFact]
    public async Task The_png_holds_the_reader_s_values_exactly_at_16_bits()
    {
        var values = DicomTestFiles.Pattern16();
        var path = await _files.Native16Async("pattern", values);
        using var instance = await new DicomImageReader().ReadAsync(path);

        var import = await new DicomImporter().ImportAsync(path);

        var png = _folder.File("pattern.png");
        await File.WriteAllBytesAsync(png, Assert.Single(import.Images).Png);
        using var read = ImageFile.Read(png);
        Assert.Equal(instance.Frames[0].Pixels.ToArray().Select(Png16Encoder.Sample), read.Pixels.ToArray().Select(Png16Encoder.Sample));
    }

    [DicomToolsFact]
    public async Task A_multi_frame_instance_gives_one_image_per_frame_each_with_its_provenance()
    {
        ushort[][] frames = [DicomTestFiles.Pattern16(1), DicomTestFiles.Pattern16(2), DicomTestFiles.Pattern16(3)];
        var pixelData = _folder.File("frames.raw");
        await File.WriteAllBytesAsync(pixelData, frames.SelectMany(f => f.SelectMany(v => new[] { (byte)v, (byte)(v >> 8) })).ToArray());
        var path = await _files.Native16Async(
            "cine", frames[0], "-i", "(0028,0008)=3", "-mf", $"(7fe0,0010)={pixelData}", "-i", "(0028,0030)=0.5\\0.25",
            "-i", "(0008,0080)=Site A", "-i", "(0008,0070)=Vendor B", "-i", "(0008,1010)=Room 3");
        var import = await new DicomImporter().ImportAsync(path);

        var blobs = DicomDatasetBlobs.Of("cxr", import);

        Assert.Equal(["cine-f001.png", "cine-f002.png", "cine-f003.png"], import.Images.Select(i => i.Name));
        var instanceBlob = DatasetBlobLayout.SourceInstance("cxr", import.Provenance.SopInstanceUid);
        Assert.Contains(blobs, b => b.Name == instanceBlob && b.Content.AsSpan().SequenceEqual(File.ReadAllBytes(path)));
        var second = blobs.Single(b => b.Name == DatasetBlobLayout.Provenance("cxr", "cine-f002.png"));
        var provenance = ImageProvenance.FromJson(second.Content, second.Name);
        Assert.Equal((1, 3), (provenance.Frame, provenance.Frames));
        Assert.Equal([0.5, 0.25], provenance.PixelSpacing ?? []);
        Assert.Equal(("Site A", "Vendor B", "Room 3"), (provenance.InstitutionName, provenance.Manufacturer, provenance.StationName));
        Assert.Equal(("cine.dcm", instanceBlob), (provenance.SourceFile, provenance.SourceInstanceBlob));
        Assert.Equal(import.Provenance.SopInstanceUid, provenance.SopInstanceUid);
        using var json = JsonDocument.Parse(second.Content);
        Assert.True(json.RootElement.TryGetProperty("source_instance_blob", out _), "provenance JSON is snake_case");
    }

    [DicomToolsTheory]
    [InlineData("not-dicom.dcm")]
    [InlineData("truncated.dcm")]
    [InlineData("no-pixels.dcm")]
    [InlineData("big-endian.dcm")]
    [InlineData("colour.dcm")]
    [InlineData("huge.dcm")]
    public async Task A_bad_instance_is_named_with_its_reason_and_the_good_one_beside_it_is_imported(string bad)
    {
        var folder = Directory.CreateDirectory(_folder.File("images")).FullName;
        File.Copy(await _files.Native16Async("good", DicomTestFiles.Pattern16()), Path.Combine(folder, "good.dcm"));
        await DicomPhantomFolder.WriteBadFileAsync(_files, bad, Path.Combine(folder, bad));

        using var staging = await DicomStaging.ConvertAsync(folder, new DicomImporter(), CancellationToken.None);

        var failure = Assert.Single(staging.Failures);
        Assert.Equal(Path.Combine(folder, bad), failure.File);
        Assert.Contains(DicomPhantomFolder.BadFiles.Single(b => b.File == bad).Reason, failure.Reason, StringComparison.Ordinal);
        Assert.Equal(["good.png"], staging.ImagePaths.Select(Path.GetFileName));
        Assert.Equal(2, staging.Files);
    }

    [DicomToolsFact]
    public async Task A_file_with_the_dicm_preamble_and_no_extension_is_an_instance_and_other_files_are_not()
    {
        var folder = Directory.CreateDirectory(_folder.File("export")).FullName;
        File.Copy(await _files.Native16Async("good", DicomTestFiles.Pattern16()), Path.Combine(folder, "IM0001"));
        await File.WriteAllTextAsync(Path.Combine(folder, "README"), "not an instance");
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not an instance either");

        using var staging = await DicomStaging.ConvertAsync(folder, new DicomImporter(), CancellationToken.None);

        Assert.Empty(staging.Failures);
        Assert.Equal(["IM0001.png"], staging.ImagePaths.Select(Path.GetFileName));
    }
}
