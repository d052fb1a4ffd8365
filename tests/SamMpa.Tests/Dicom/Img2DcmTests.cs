using SamMpa.Dicom;
using SamMpa.Imaging.Images;
using SamMpa.Tests.Images;
using SkiaSharp;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// Instances DCMTK's img2dcm makes from ordinary images (JPEG kept as JPEG baseline, BMP as native pixels): another
/// producer's files than gdcmimg's, read or refused as they should be.
/// </summary>
public sealed class Img2DcmTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [DicomToolsFact]
    public async Task A_grey_jpeg_wrapped_by_img2dcm_reads_as_the_jpeg_decodes()
    {
        var jpeg = _folder.File("grey.jpg");
        await File.WriteAllBytesAsync(jpeg, GreyJpeg(DicomTestFiles.Width, DicomTestFiles.Height));
        var path = _folder.File("grey.dcm");
        await DicomToolkit.RunAsync(_folder.Path, "img2dcm", "-i", "JPEG", jpeg, path);
        using var expected = ImageFile.Read(jpeg);

        using var instance = await new DicomImageReader().ReadAsync(path);

        Assert.Equal("1.2.840.10008.1.2.4.50", instance.Header.TransferSyntax.Uid);
        var pixels = Assert.Single(instance.Frames).Pixels.ToArray();
        var largestDifference = pixels.Select((value, i) => Math.Abs(value - expected.Pixels[i])).Max();
        Assert.True(largestDifference <= 2, $"largest difference from Skia's decode: {largestDifference} (two JPEG decoders may round apart)");
    }

    [DicomToolsFact]
    public async Task A_colour_bmp_wrapped_by_img2dcm_is_refused_by_name()
    {
        var bmp = _folder.File("colour.bmp");
        TestImages.WriteBmp24(bmp, 32, 32, (x, y) => ((byte)(x * 8), (byte)(y * 8), 128));
        var path = _folder.File("colour.dcm");
        await DicomToolkit.RunAsync(_folder.Path, "img2dcm", "-i", "BMP", bmp, path);

        var error = await Assert.ThrowsAsync<DicomReadException>(() => new DicomImageReader().ReadAsync(path));

        Assert.Equal($"{path}: colour image (3 samples per pixel, RGB); only grey images (MONOCHROME1 or MONOCHROME2) are segmented", error.Message);
    }

    private static byte[] GreyJpeg(int width, int height)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var level = (byte)(((x * 255 / (width - 1)) + (y * 255 / (height - 1))) / 2);
                bitmap.SetPixel(x, y, new SKColor(level, level, level));
            }
        }

        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, 95);
        return data.ToArray();
    }
}
