using System.Text;
using SamMpa.Dicom;
using SamMpa.Imaging.Images;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The bad-DICOM matrix, one test each: every refusal is a <see cref="DicomReadException"/> naming the file and
/// saying what is wrong; a declared size above the limits is refused before any decoding or decompression.
/// </summary>
public sealed class DicomBadFileTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly DicomTestFiles _files;

    public DicomBadFileTests()
    {
        _files = new DicomTestFiles(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_file_that_is_not_dicom_is_refused_by_name()
    {
        var path = _folder.File("image.png");
        await File.WriteAllBytesAsync(path, TestImages.PngOf(("IHDR", TestImages.Ihdr(64, 64, 8, 0)), ("IDAT", TestImages.ZeroRows(64, 65)), ("IEND", [])));

        var error = await ReadFailsAsync(path);

        Assert.Contains("not a DICOM Part-10 file (no 'DICM' after the 128-byte preamble)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_with_only_a_preamble_and_prefix_is_refused_for_its_missing_transfer_syntax()
    {
        var path = _folder.File("empty.dcm");
        await File.WriteAllBytesAsync(path, [.. new byte[128], .. "DICM"u8]);

        var error = await ReadFailsAsync(path);

        Assert.Contains("no Transfer Syntax UID (0002,0010)", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task A_truncated_file_is_refused_by_name()
    {
        var whole = await File.ReadAllBytesAsync(await _files.Native16Async("whole", DicomTestFiles.Pattern16()));
        var path = _folder.File("truncated.dcm");
        await File.WriteAllBytesAsync(path, whole.AsSpan(0, whole.Length - 1000).ToArray());

        var error = await ReadFailsAsync(path);

        Assert.Contains("truncated file: element (7FE0,0010)", error.Message, StringComparison.Ordinal);
        Assert.Contains($"declares {DicomTestFiles.Width * DicomTestFiles.Height * 2:N0} bytes", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task A_header_cut_inside_an_element_is_refused_as_truncated()
    {
        var whole = await File.ReadAllBytesAsync(await _files.Native16Async("whole", DicomTestFiles.Pattern16()));
        var path = _folder.File("cut-header.dcm");
        await File.WriteAllBytesAsync(path, whole.AsSpan(0, 300).ToArray());

        var error = await ReadFailsAsync(path);

        Assert.Contains("truncated file", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task An_instance_without_pixel_data_is_refused_by_name()
    {
        var path = await _files.Native16Async("no-pixels", DicomTestFiles.Pattern16(), "-e", "(7fe0,0010)");

        var error = await ReadFailsAsync(path);

        Assert.Contains("no Pixel Data (7FE0,0010)", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task Explicit_big_endian_is_refused_by_name()
    {
        var native = await _files.Native16Async("little", DicomTestFiles.Pattern16());
        var path = await _files.ConvertAsync(native, "big", "dcmconv", "+tb");

        var error = await ReadFailsAsync(path);

        Assert.Contains("unsupported transfer syntax Explicit VR Big Endian (1.2.840.10008.1.2.2)", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task An_unknown_transfer_syntax_is_refused_naming_its_uid()
    {
        var content = await File.ReadAllBytesAsync(await _files.Native16Async("known", DicomTestFiles.Pattern16()));
        var path = _folder.File("unknown-syntax.dcm");
        await File.WriteAllBytesAsync(path, ReplaceOnce(content, "1.2.840.10008.1.2.1\0", "1.2.840.10008.9.9.9\0"));

        var error = await ReadFailsAsync(path);

        Assert.Contains("unsupported transfer syntax '1.2.840.10008.9.9.9'", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task A_colour_image_is_refused_by_name()
    {
        var path = await _files.ColourAsync("colour");

        var error = await ReadFailsAsync(path);

        Assert.Contains("colour image (3 samples per pixel, RGB)", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task A_huge_declared_size_is_refused_before_decoding()
    {
        var path = await _files.Native16Async("huge", DicomTestFiles.Pattern16(), "-m", "(0028,0010)=60000", "-m", "(0028,0011)=60000");

        var error = await ReadFailsAsync(path);

        Assert.Contains("declares frames of 60000x60000 pixels (3,600,000,000), above the limit of 40,000,000 pixels", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task A_huge_declared_size_in_a_compressed_file_is_refused_before_the_decompressor_runs()
    {
        var native = await _files.Native16Async("small", DicomTestFiles.Pattern16());
        var path = await _files.ConvertAsync(native, "huge-j2k", "gdcmconv", "--j2k");
        await _files.ModifyAsync(path, "-i", "(0028,0008)=5000");
        var limits = new ImageLimits { MaxBytes = 10_000_000, MaxBytesSetting = "Dicom:Limits:MaxBytes" };
        var reader = new DicomImageReader(new DicomReadOptions { GdcmconvPath = _folder.File("no-such-gdcmconv"), Limits = limits });

        var error = await Assert.ThrowsAsync<DicomReadException>(() => reader.ReadAsync(path));

        Assert.Contains("declares 5,000 frame(s) of 64x48 pixels, 30,720,000 bytes of pixel data, above the limit of 10,000,000 bytes (Dicom:Limits:MaxBytes)", error.Message, StringComparison.Ordinal);
        Assert.Contains("it was not decoded", error.Message, StringComparison.Ordinal);
    }

    [DicomToolsFact]
    public async Task A_missing_decompressor_is_named()
    {
        var native = await _files.Native16Async("small", DicomTestFiles.Pattern16());
        var path = await _files.ConvertAsync(native, "j2k", "gdcmconv", "--j2k");
        var missing = _folder.File("no-such-gdcmconv");
        var reader = new DicomImageReader(new DicomReadOptions { GdcmconvPath = missing });

        var error = await Assert.ThrowsAsync<DicomReadException>(() => reader.ReadAsync(path));

        Assert.StartsWith($"{path}: JPEG 2000 Lossless needs the decompressor '{missing}', which could not be started", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_above_the_length_limit_is_refused_unread()
    {
        var path = _folder.File("long.dcm");
        await File.WriteAllBytesAsync(path, new byte[4096]);
        var reader = new DicomImageReader(new DicomReadOptions { Limits = new ImageLimits { MaxBytes = 1024, MaxBytesSetting = "Dicom:Limits:MaxBytes" } });

        var error = await Assert.ThrowsAsync<DicomReadException>(() => reader.ReadAsync(path));

        Assert.Equal($"{path}: file is 4,096 bytes, above the limit of 1,024 bytes (Dicom:Limits:MaxBytes); it was not read", error.Message);
    }

    private static async Task<DicomReadException> ReadFailsAsync(string path)
    {
        var error = await Assert.ThrowsAsync<DicomReadException>(() => new DicomImageReader().ReadAsync(path));
        Assert.StartsWith($"{path}: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(path, error.Path);
        return error;
    }

    private static byte[] ReplaceOnce(byte[] content, string from, string to)
    {
        var index = content.AsSpan().IndexOf(Encoding.ASCII.GetBytes(from));
        Assert.True(index >= 0, $"'{from.TrimEnd('\0')}' not found");
        var copy = content.ToArray();
        Encoding.ASCII.GetBytes(to).CopyTo(copy, index);
        return copy;
    }
}
