using System.Collections.Frozen;
using SkiaSharp;

namespace SamMpa.Imaging.Images;

/// <summary>
/// Reads PNG (8/16-bit gray, gray+alpha, RGB, RGBA, palette), JPEG and BMP files as gray images.
/// Intensities are always on a 0..255 scale; 16-bit samples are divided by 257 so their precision survives
/// as fractions (16-bit PNG goes through <see cref="Png16Decoder"/>, everything else through Skia). Colour is reduced to luminance (0.299R + 0.587G + 0.114B); alpha is ignored.
/// </summary>
/// <remarks>
/// Every image and mask, from a file or a blob, passes one gate: its length is checked against
/// <see cref="ImageLimits.MaxBytes"/> before it is read, its header is parsed once (for PNG by <see cref="PngHeader"/>,
/// which refuses a second or misplaced IHDR and disallowed bit depths) and that one size is checked against
/// <see cref="ImageLimits.MaxPixels"/> and used by the decoder. Whatever a crafted file makes the decoder throw
/// (arithmetic overflow, an allocation it cannot get, out of memory) comes out as an <see cref="InvalidImageException"/>
/// naming the item, so one bad image fails alone.
/// </remarks>
public static class ImageFile
{
    /// <summary>File extensions (with the dot, any case) that <see cref="Read(string)"/> accepts.</summary>
    public static readonly IReadOnlySet<string> SupportedExtensions =
        new[] { ".png", ".jpg", ".jpeg", ".bmp" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads an image file as gray intensities on a 0..255 scale, within the default limits.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidImageException">The file is above the limits or cannot be decoded completely.</exception>
    public static GrayImage Read(string path) => Read(path, ImageLimits.Default);

    /// <summary>Reads an image file within <paramref name="limits"/>' length and pixel count (any side length).</summary>
    public static GrayImage Read(string path, ImageLimits limits) => DecodeWithin(ReadFile(path, limits), path, limits, checkMinimumSide: false);

    /// <summary>Reads a mask file: every nonzero pixel becomes 1, every other pixel 0.</summary>
    public static GrayImage ReadMask(string path) => ReadMask(path, ImageLimits.Default);

    /// <summary>Reads a mask file within <paramref name="limits"/>' length and pixel count.</summary>
    public static GrayImage ReadMask(string path, ImageLimits limits) => Binarize(Read(path, limits));

    /// <summary>Reads only the size from an image file's header, without decoding pixels.</summary>
    public static (int Width, int Height) ReadSize(string path) => ReadSize(ReadFile(path, ImageLimits.Default), path);

    /// <summary>
    /// Decodes an image held in memory (a blob) after checking it against <paramref name="limits"/> (length, and the
    /// size from its header, at least <see cref="ImageLimits.MinimumSide"/> a side), so a refused image is never decoded
    /// (a 10000x10000 PNG of a few kilobytes would need 800 MB to decode). <paramref name="name"/> names it in errors.
    /// </summary>
    /// <exception cref="InvalidImageException">The content cannot be decoded, or is outside the limits.</exception>
    public static GrayImage Decode(byte[] content, string name, ImageLimits limits) => DecodeWithin(content, name, limits, checkMinimumSide: true);

    /// <summary>
    /// Decodes a mask held in memory within <paramref name="limits"/>' length and pixel count: every nonzero pixel
    /// becomes 1, every other pixel 0.
    /// </summary>
    /// <exception cref="InvalidImageException">The content cannot be decoded, or is outside the limits.</exception>
    public static GrayImage DecodeMask(byte[] content, string name, ImageLimits limits) =>
        Binarize(DecodeWithin(content, name, limits, checkMinimumSide: false));

    /// <summary>Whether <paramref name="content"/> begins with the PNG signature (what it is, not whether it decodes).</summary>
    public static bool IsPng(ReadOnlySpan<byte> content) => PngHeader.HasSignature(content);

    /// <summary>Reads only the size from the header of an image held in memory, without decoding pixels.</summary>
    /// <exception cref="InvalidImageException">The content is empty or not a readable image.</exception>
    public static (int Width, int Height) ReadSize(byte[] content, string name)
    {
        CheckNotEmpty(content, name);
        return Guarded(name, () =>
        {
            if (PngHeader.HasSignature(content))
            {
                var png = PngHeader.Parse(content, name, sizeOnly: true);
                return (png.Width, png.Height);
            }

            using var data = SKData.CreateCopy(content);
            using var codec = OpenCodec(data, name);
            return (codec.Info.Width, codec.Info.Height);
        });
    }

    private static GrayImage DecodeWithin(byte[] content, string name, ImageLimits limits, bool checkMinimumSide)
    {
        ArgumentNullException.ThrowIfNull(limits);
        limits.CheckBytes(content.Length, name);
        CheckNotEmpty(content, name);
        return Guarded(name, () =>
        {
            var png = PngHeader.HasSignature(content) ? PngHeader.Parse(content, name) : null;
            if (png is { BitDepth: 16 })
            {
                CheckSize(limits, png.Width, png.Height, name, checkMinimumSide);
                return Png16Decoder.Decode(content, png, name);
            }

            using var data = SKData.CreateCopy(content);
            using var codec = OpenCodec(data, name);
            var (width, height) = (codec.Info.Width, codec.Info.Height);
            if (png is not null && (png.Width, png.Height) != (width, height))
            {
                throw new InvalidImageException(name, $"not a valid PNG (its header says {png.Width}x{png.Height}, the decoder read {width}x{height})");
            }

            CheckSize(limits, width, height, name, checkMinimumSide);
            return DecodeWithSkia(codec, name);
        });
    }

    // The failures a crafted file can provoke in a decoder, named; anything else is a bug and surfaces as it is.
    private static T Guarded<T>(string name, Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (OutOfMemoryException e)
        {
            throw new InvalidImageException(name, "cannot be decoded (not enough memory for the size its header declares)", e);
        }
        catch (Exception e) when (e is OverflowException or ArgumentException or IndexOutOfRangeException or InvalidDataException)
        {
            throw new InvalidImageException(name, $"not a readable image ({e.GetType().Name}: {e.Message})", e);
        }
    }

    private static void CheckSize(ImageLimits limits, int width, int height, string name, bool checkMinimumSide)
    {
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException(name, $"invalid image size {width}x{height}");
        }

        if (checkMinimumSide)
        {
            limits.Check(width, height, name);
        }
        else
        {
            limits.CheckPixels(width, height, name);
        }
    }

    private static void CheckNotEmpty(byte[] content, string name)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length == 0)
        {
            throw new InvalidImageException(name, "empty file (0 bytes)");
        }
    }

    private static GrayImage Binarize(GrayImage mask)
    {
        foreach (ref var value in mask.Pixels)
        {
            value = value != 0f ? 1f : 0f;
        }

        return mask;
    }

    /// <summary>The file's bytes, refused unread when it is longer than <see cref="ImageLimits.MaxBytes"/>.</summary>
    private static byte[] ReadFile(string path, ImageLimits limits)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(limits);
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1);
            limits.CheckBytes(stream.Length, path);
            if (stream.Length > Array.MaxLength)
            {
                throw new InvalidImageException(path, $"file is {stream.Length:N0} bytes, more than one array can hold");
            }

            var content = GC.AllocateUninitializedArray<byte>((int)stream.Length);
            stream.ReadExactly(content);
            return content;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: file not found.", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidImageException(path, $"cannot be opened ({e.Message})", e);
        }
    }

    private static SKCodec OpenCodec(SKData data, string name) =>
        SKCodec.Create(data) ?? throw new InvalidImageException(name, "not a readable image (corrupt or unsupported format)");

    private static GrayImage DecodeWithSkia(SKCodec codec, string name)
    {
        var (width, height) = (codec.Info.Width, codec.Info.Height);

        // A gray source decodes to one byte a pixel; anything else to RGBA, reduced to luminance here. Unpremul keeps
        // the colour of transparent pixels; no colour space means no colour conversion.
        var gray = codec.Info.ColorType == SKColorType.Gray8;
        var bytesPerPixel = gray ? 1 : 4;
        var totalBytes = (long)width * height * bytesPerPixel;
        if (totalBytes > Array.MaxLength)
        {
            throw new InvalidImageException(name, $"image of {width}x{height} pixels is too large to decode");
        }

        var decodeInfo = gray
            ? new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque)
            : new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Unpremul);

        // Exactly the bytes the decode needs: the shared pool would round a large image up to a power of two.
        var buffer = GC.AllocateUninitializedArray<byte>((int)totalBytes);
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
            throw new InvalidImageException(name, result == SKCodecResult.IncompleteInput
                ? "truncated image (incomplete data)"
                : $"not a readable image (decoding failed: {result})");
        }

        var image = new GrayImage(width, height);
        if (gray)
        {
            var pixels = image.Pixels;
            for (var i = 0; i < pixels.Length; i++)
            {
                pixels[i] = buffer[i];
            }
        }
        else
        {
            ToGray(buffer, image.Pixels);
        }

        return image;
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
