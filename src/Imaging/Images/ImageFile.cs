using System.Buffers;
using System.Collections.Frozen;
using System.Runtime.InteropServices;
using SkiaSharp;

namespace SamMpa.Imaging.Images;

/// <summary>
/// Reads PNG (8/16-bit gray, gray+alpha, RGB, RGBA, palette), JPEG and BMP files as gray images.
/// Intensities are always on a 0..255 scale; 16-bit samples are divided by 257 so their precision survives
/// as fractions (16-bit PNG goes through <see cref="Png16Decoder"/>, everything else through Skia). Colour is reduced to luminance (0.299R + 0.587G + 0.114B); alpha is ignored.
/// </summary>
public static class ImageFile
{
    /// <summary>File extensions (with the dot, any case) that <see cref="Read"/> accepts.</summary>
    public static readonly IReadOnlySet<string> SupportedExtensions =
        new[] { ".png", ".jpg", ".jpeg", ".bmp" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads an image as gray intensities on a 0..255 scale.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidImageException">The file cannot be decoded completely.</exception>
    public static GrayImage Read(string path)
    {
        using var codec = OpenCodec(path);
        return Png16Decoder.IsSixteenBitPng(path) ? Png16Decoder.Decode(path) : Decode(codec, path);
    }

    /// <summary>Reads a mask: every nonzero pixel becomes 1, every other pixel 0.</summary>
    public static GrayImage ReadMask(string path) => Binarize(Read(path));

    /// <summary>
    /// Decodes an image held in memory (a blob) as gray intensities on a 0..255 scale; <paramref name="name"/> names it
    /// in errors.
    /// </summary>
    /// <exception cref="InvalidImageException">The content cannot be decoded completely.</exception>
    public static GrayImage Decode(byte[] content, string name)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length == 0)
        {
            throw new InvalidImageException(name, "empty file (0 bytes)");
        }

        if (Png16Decoder.IsSixteenBitPng(content))
        {
            return Png16Decoder.Decode(content, name);
        }

        using var data = SKData.CreateCopy(content);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidImageException(name, "not a readable image (corrupt or unsupported format)");
        CheckSize(codec, name);
        return Decode(codec, name);
    }

    /// <summary>
    /// Decodes an image held in memory after checking its size from the header against <paramref name="limits"/>, so a
    /// refused image is never decoded (a 10000x10000 PNG of a few kilobytes would need 800 MB to decode).
    /// </summary>
    /// <exception cref="InvalidImageException">The content cannot be decoded, or its size is outside the limits.</exception>
    public static GrayImage Decode(byte[] content, string name, ImageLimits limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var (width, height) = ReadSize(content, name);
        limits.Check(width, height, name);
        return Decode(content, name);
    }

    /// <summary>Reads only the size from the header of an image held in memory, without decoding pixels.</summary>
    /// <exception cref="InvalidImageException">The content is empty or not a readable image.</exception>
    public static (int Width, int Height) ReadSize(byte[] content, string name)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length == 0)
        {
            throw new InvalidImageException(name, "empty file (0 bytes)");
        }

        if (Png16Decoder.IsSixteenBitPng(content))
        {
            // IHDR: width and height, big-endian, right after the chunk type.
            var width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(16));
            var height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(content.AsSpan(20));
            return width > 0 && height > 0 ? (width, height) : throw new InvalidImageException(name, $"invalid image size {width}x{height}");
        }

        using var data = SKData.CreateCopy(content);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidImageException(name, "not a readable image (corrupt or unsupported format)");
        CheckSize(codec, name);
        return (codec.Info.Width, codec.Info.Height);
    }

    /// <summary>Decodes a mask held in memory: every nonzero pixel becomes 1, every other pixel 0.</summary>
    public static GrayImage DecodeMask(byte[] content, string name) => Binarize(Decode(content, name));

    private static GrayImage Binarize(GrayImage mask)
    {
        foreach (ref var value in mask.Pixels)
        {
            value = value != 0f ? 1f : 0f;
        }

        return mask;
    }

    /// <summary>Reads only the size from the file header, without decoding pixels.</summary>
    public static (int Width, int Height) ReadSize(string path)
    {
        using var codec = OpenCodec(path);
        var info = codec.Info;
        return (info.Width, info.Height);
    }

    private static SKCodec OpenCodec(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: file not found.", path);
        }

        SKCodec? codec;
        try
        {
            codec = SKCodec.Create(path, out _);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException(path, $"cannot be opened ({ex.Message})", ex);
        }

        if (codec is null)
        {
            throw new InvalidImageException(path, "not a readable image (corrupt or unsupported format)");
        }

        try
        {
            CheckSize(codec, path);
        }
        catch
        {
            codec.Dispose();
            throw;
        }

        return codec;
    }

    private static void CheckSize(SKCodec codec, string name)
    {
        var info = codec.Info;
        if (info.Width <= 0 || info.Height <= 0)
        {
            throw new InvalidImageException(name, $"invalid image size {info.Width}x{info.Height}");
        }
    }

    private static GrayImage Decode(SKCodec codec, string path)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);

        // Unpremul keeps the colour of transparent pixels; no colour space means no colour conversion.
        const int bytesPerPixel = 4;
        var rowBytes = (long)width * bytesPerPixel;
        var totalBytes = rowBytes * height;
        if (totalBytes > Array.MaxLength)
        {
            throw new InvalidImageException(path, $"image of {width}x{height} pixels is too large to decode");
        }

        var decodeInfo = new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var buffer = ArrayPool<byte>.Shared.Rent((int)totalBytes);
        try
        {
            SKCodecResult result;
            unsafe
            {
                fixed (byte* pixels = buffer)
                {
                    result = codec.GetPixels(decodeInfo, (IntPtr)pixels);
                }
            }

            if (result != SKCodecResult.Success)
            {
                throw new InvalidImageException(path, result == SKCodecResult.IncompleteInput
                    ? "truncated image (incomplete data)"
                    : $"not a readable image (decoding failed: {result})");
            }

            var image = new GrayImage(width, height);
            ToGray(buffer.AsSpan(0, (int)totalBytes), image.Pixels);
            return image;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void ToGray(ReadOnlySpan<byte> rgba, Span<float> gray)
    {
        for (var i = 0; i < gray.Length; i++)
        {
            var p = rgba.Slice(i * 4, 4);
            gray[i] = Gray(p[0], p[1], p[2]);
        }
    }

    // Equal channels are returned exactly, so gray sources keep their values bit for bit.
    internal static float Gray(int r, int g, int b) =>
        r == g && g == b ? r : (0.299f * r) + (0.587f * g) + (0.114f * b);
}
