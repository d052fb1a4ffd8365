using System.Buffers.Binary;
using System.IO.Compression;

namespace SamMpa.Imaging.Images;

/// <summary>
/// Decodes 16-bit PNG files (gray, gray+alpha, RGB, RGBA; plain or Adam7-interlaced) to 0..255 gray with the
/// full 16-bit precision. Skia 3.119 cannot do this: it reports 16-bit gray as Gray8 and decodes 16-bit sources only
/// to 8 bits per channel or to half floats (11-bit mantissa); Rgba16161616 and RgbaF32 give InvalidConversion.
/// The size and the data come from the file's one <see cref="PngHeader"/>, the same one the limits were checked on;
/// rows are inflated one at a time, so beyond the gray image only the compressed data and two rows are held.
/// </summary>
internal static class Png16Decoder
{
    private static readonly (int X, int Y, int StepX, int StepY)[] Adam7Passes =
        [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];

    private static readonly (int X, int Y, int StepX, int StepY)[] SinglePass = [(0, 0, 1, 1)];

    /// <summary>Decodes the 16-bit PNG <paramref name="file"/> whose chunks <paramref name="header"/> describes; <paramref name="name"/> names it in errors.</summary>
    public static GrayImage Decode(byte[] file, PngHeader header, string name)
    {
        try
        {
            return DecodeCore(file, header, name);
        }
        // zlib reports corrupt data as InvalidDataException, and some states of its inflater as ZLibException (an
        // IOException); the data comes from memory, so no IOException here is a real I/O failure.
        catch (Exception ex) when (ex is InvalidDataException or IOException)
        {
            throw new InvalidImageException(name, "not a readable image (corrupt 16-bit PNG data)", ex);
        }
    }

    private static GrayImage DecodeCore(byte[] file, PngHeader header, string name)
    {
        if (header.BitDepth != 16 || header.ColorType == 3)
        {
            throw new InvalidImageException(name, $"not a 16-bit gray or colour PNG (bit depth {header.BitDepth}, colour type {header.ColorType})");
        }

        var (width, height, channels) = (header.Width, header.Height, header.Channels);
        using var compressed = new MemoryStream(checked((int)header.DataLength));
        foreach (var (offset, length) in header.DataChunks)
        {
            compressed.Write(file, offset, length);
        }

        compressed.Position = 0;
        var image = new GrayImage(width, height);
        try
        {
            using var zlib = new ZLibStream(compressed, CompressionMode.Decompress);
            var bytesPerPixel = channels * 2;
            foreach (var (x0, y0, stepX, stepY) in header.Interlaced ? Adam7Passes : SinglePass)
            {
                int passWidth = (width - x0 + stepX - 1) / stepX, passHeight = (height - y0 + stepY - 1) / stepY;
                if (passWidth <= 0 || passHeight <= 0)
                {
                    continue;
                }

                // A row: its filter byte, then the pass's pixels.
                var rowLength = checked(passWidth * bytesPerPixel);
                var current = new byte[1 + rowLength];
                var previous = new byte[1 + rowLength];
                for (var row = 0; row < passHeight; row++)
                {
                    if (zlib.ReadAtLeast(current, current.Length, throwOnEndOfStream: false) != current.Length)
                    {
                        throw new InvalidImageException(name, "truncated image (incomplete data)");
                    }

                    Unfilter(current[0], current.AsSpan(1), previous.AsSpan(1), bytesPerPixel, name);
                    StoreGray(current.AsSpan(1), image.Row(y0 + (row * stepY)), x0, stepX, channels);
                    (previous, current) = (current, previous);
                }
            }

            return image;
        }
        catch
        {
            image.Dispose();
            throw;
        }
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
