using SkiaSharp;

namespace SamMpa.Imaging.Images;

/// <summary>
/// Writes images as 8-bit grayscale PNG files. Writes are atomic: the PNG goes to a temporary file in the
/// target folder and is then moved over the target, so a reader never sees a half-written file.
/// </summary>
public static class MaskFile
{
    /// <summary>Writes a binary mask: pixels above <paramref name="threshold"/> become 255, all others 0.</summary>
    public static void WritePng(GrayImage mask, string path, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(mask);
        WriteGray8(mask, path, value => value > threshold ? (byte)255 : (byte)0);
    }

    /// <summary>Encodes a binary mask as an 8-bit PNG in memory (for blob storage): above <paramref name="threshold"/> is 255.</summary>
    public static byte[] EncodePng(GrayImage mask, float threshold = 0.5f)
    {
        ArgumentNullException.ThrowIfNull(mask);
        using var png = EncodeGray8(mask, value => value > threshold ? (byte)255 : (byte)0);
        return png.ToArray();
    }

    /// <summary>Writes intensities rounded and clamped to 0..255 (for debugging and overlays).</summary>
    public static void WriteGrayPng(GrayImage image, string path)
    {
        ArgumentNullException.ThrowIfNull(image);
        WriteGray8(image, path, value => (byte)Math.Clamp(MathF.Round(value), 0f, 255f));
    }

    /// <summary>Encodes intensities rounded and clamped to 0..255 as an 8-bit PNG in memory.</summary>
    public static byte[] EncodeGrayPng(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var png = EncodeGray8(image, value => (byte)Math.Clamp(MathF.Round(value), 0f, 255f));
        return png.ToArray();
    }

    private static void WriteGray8(GrayImage image, string path, Func<float, byte> toByte)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var png = EncodeGray8(image, toByte);
        WriteAtomically(path, png.AsSpan());
    }

    private static SKData EncodeGray8(GrayImage image, Func<float, byte> toByte)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < image.Height; y++)
        {
            var source = image.Row(y);
            var target = pixels.Slice(y * rowBytes, image.Width);
            for (var x = 0; x < source.Length; x++)
            {
                target[x] = toByte(source[x]);
            }
        }

        return bitmap.Encode(SKEncodedImageFormat.Png, 100) ?? throw new IOException("PNG encoding failed.");
    }

    internal static void WriteAtomically(string path, ReadOnlySpan<byte> content)
    {
        var fullPath = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(folder);

        // Same folder as the target, so the final move is a rename within one file system.
        var temporary = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }
}
