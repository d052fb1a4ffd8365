using System.Buffers.Binary;
using System.IO.Compression;

namespace SamMpa.Imaging.Images;

/// <summary>
/// Decodes 16-bit PNG files (gray, gray+alpha, RGB, RGBA; plain or Adam7-interlaced) to 0..255 gray with the
/// full 16-bit precision. Skia 3.119 cannot do this: it reports 16-bit gray as Gray8 and decodes 16-bit sources only
/// to 8 bits per channel or to half floats (11-bit mantissa); Rgba16161616 and RgbaF32 give InvalidConversion.
/// </summary>
internal static class Png16Decoder
{
    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private static readonly (int X, int Y, int StepX, int StepY)[] Adam7Passes =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    /// <summary>True when the file starts with a PNG signature and an IHDR chunk declaring 16 bits per sample.</summary>
    public static bool IsSixteenBitPng(string path)
    {
        Span<byte> header = stackalloc byte[33];
        using var stream = File.OpenRead(path);
        var read = stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        return IsSixteenBitPng(header[..read]);
    }

    /// <summary>True when the content starts with a PNG signature and an IHDR chunk declaring 16 bits per sample.</summary>
    public static bool IsSixteenBitPng(ReadOnlySpan<byte> content) =>
        content.Length >= 33
        && content[..8].SequenceEqual(Signature)
        && content.Slice(12, 4).SequenceEqual("IHDR"u8)
        && content[24] == 16;

    public static GrayImage Decode(string path) => Decode(File.ReadAllBytes(path), path);

    /// <summary>Decodes a 16-bit PNG held in memory; <paramref name="name"/> names it in errors.</summary>
    public static GrayImage Decode(byte[] file, string name)
    {
        try
        {
            return DecodeCore(file, name);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new InvalidImageException(name, "not a readable image (corrupt 16-bit PNG data)", ex);
        }
    }

    private static GrayImage DecodeCore(byte[] file, string path)
    {
        int width = 0, height = 0, channels = 0, interlace = 0;
        var compressed = new MemoryStream();
        var sawEnd = false;
        for (var offset = 8; offset + 12 <= file.Length && !sawEnd;)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(file.AsSpan(offset));
            if (length < 0 || offset + 12L + length > file.Length)
            {
                break;
            }

            var type = file.AsSpan(offset + 4, 4);
            var data = file.AsSpan(offset + 8, length);
            if (type.SequenceEqual("IHDR"u8))
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                channels = data[9] switch { 0 => 1, 2 => 3, 4 => 2, 6 => 4, _ => 0 };
                interlace = data[12];
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                compressed.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                sawEnd = true;
            }

            offset += 12 + length;
        }

        if (width <= 0 || height <= 0 || channels == 0 || interlace > 1)
        {
            throw new InvalidImageException(path, "not a readable image (unsupported or corrupt 16-bit PNG header)");
        }

        if (!sawEnd)
        {
            throw new InvalidImageException(path, "truncated image (incomplete data)");
        }

        var bytesPerPixel = channels * 2;
        var passes = interlace == 1 ? Adam7Passes : [(0, 0, 1, 1)];
        long expected = 0;
        foreach (var (x0, y0, stepX, stepY) in passes)
        {
            long passWidth = (width - x0 + stepX - 1) / stepX, passHeight = (height - y0 + stepY - 1) / stepY;
            expected += passWidth == 0 ? 0 : passHeight * (1 + (passWidth * bytesPerPixel));
        }

        if (expected > Array.MaxLength)
        {
            throw new InvalidImageException(path, $"image of {width}x{height} pixels is too large to decode");
        }

        var raw = new byte[expected];
        compressed.Position = 0;
        using (var zlib = new ZLibStream(compressed, CompressionMode.Decompress))
        {
            if (zlib.ReadAtLeast(raw, raw.Length, throwOnEndOfStream: false) != raw.Length)
            {
                throw new InvalidImageException(path, "truncated image (incomplete data)");
            }
        }

        var image = new GrayImage(width, height);
        var position = 0;
        foreach (var (x0, y0, stepX, stepY) in passes)
        {
            int passWidth = (width - x0 + stepX - 1) / stepX, passHeight = (height - y0 + stepY - 1) / stepY;
            if (passWidth == 0 || passHeight == 0)
            {
                continue;
            }

            var rowLength = passWidth * bytesPerPixel;
            var previous = new byte[rowLength];
            for (var row = 0; row < passHeight; row++)
            {
                var filter = raw[position];
                var current = raw.AsSpan(position + 1, rowLength);
                Unfilter(filter, current, previous, bytesPerPixel, path);
                StoreGray(current, image.Row(y0 + (row * stepY)), x0, stepX, channels);
                current.CopyTo(previous);
                position += 1 + rowLength;
            }
        }

        return image;
    }

    private static void Unfilter(byte filter, Span<byte> row, ReadOnlySpan<byte> previous, int bytesPerPixel, string path)
    {
        switch (filter)
        {
            case 0:
                break;
            case 1:
                for (var i = bytesPerPixel; i < row.Length; i++)
                {
                    row[i] += row[i - bytesPerPixel];
                }

                break;
            case 2:
                for (var i = 0; i < row.Length; i++)
                {
                    row[i] += previous[i];
                }

                break;
            case 3:
                for (var i = 0; i < row.Length; i++)
                {
                    var left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                    row[i] += (byte)((left + previous[i]) / 2);
                }

                break;
            case 4:
                for (var i = 0; i < row.Length; i++)
                {
                    int left = i >= bytesPerPixel ? row[i - bytesPerPixel] : 0;
                    int upperLeft = i >= bytesPerPixel ? previous[i - bytesPerPixel] : 0;
                    row[i] += (byte)Paeth(left, previous[i], upperLeft);
                }

                break;
            default:
                throw new InvalidImageException(path, $"not a readable image (unknown PNG row filter {filter})");
        }
    }

    private static int Paeth(int left, int up, int upperLeft)
    {
        var estimate = left + up - upperLeft;
        int toLeft = Math.Abs(estimate - left), toUp = Math.Abs(estimate - up), toUpperLeft = Math.Abs(estimate - upperLeft);
        return toLeft <= toUp && toLeft <= toUpperLeft ? left : toUp <= toUpperLeft ? up : upperLeft;
    }

    private static void StoreGray(ReadOnlySpan<byte> row, Span<float> target, int x0, int stepX, int channels)
    {
        var bytesPerPixel = channels * 2;
        for (int i = 0, x = x0; i < row.Length; i += bytesPerPixel, x += stepX)
        {
            var pixel = row.Slice(i, bytesPerPixel);
            int first = BinaryPrimitives.ReadUInt16BigEndian(pixel);
            if (channels <= 2)
            {
                target[x] = first / 257f;
                continue;
            }

            int green = BinaryPrimitives.ReadUInt16BigEndian(pixel[2..]), blue = BinaryPrimitives.ReadUInt16BigEndian(pixel[4..]);
            target[x] = ImageFile.Gray(first, green, blue) / 257f;
        }
    }
}
