using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SamMpa.Tests.Images;

/// <summary>
/// Writes test images byte by byte, so tests control exactly what is on disk (bit depth, colour type, alpha)
/// independently of what SkiaSharp's encoders can produce.
/// </summary>
internal static class TestImages
{
    public const byte PngGray = 0;
    public const byte PngRgb = 2;
    public const byte PngGrayAlpha = 4;
    public const byte PngRgba = 6;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>
    /// Writes a non-interlaced PNG. <paramref name="samples"/> holds every channel of every pixel, row-major;
    /// for 16-bit they are written big-endian as PNG requires. With <paramref name="cycleFilters"/> row y uses
    /// PNG filter y % 5 (none, sub, up, average, Paeth), so decoders' unfiltering is exercised.
    /// </summary>
    public static void WritePng(string path, int width, int height, int bitDepth, byte colorType, ReadOnlySpan<ushort> samples, bool cycleFilters = false)
    {
        var channels = colorType switch
        {
            PngGray => 1,
            PngRgb => 3,
            PngGrayAlpha => 2,
            PngRgba => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(colorType)),
        };
        var bytesPerSample = bitDepth / 8;
        var rowLength = width * channels;
        Assert.Equal(rowLength * height, samples.Length);

        var raw = new byte[height * (1 + (rowLength * bytesPerSample))];
        var offset = 0;
        for (var y = 0; y < height; y++)
        {
            raw[offset++] = 0; // filter type: none, applied below if cycling
            foreach (var sample in samples.Slice(y * rowLength, rowLength))
            {
                if (bytesPerSample == 2)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(raw.AsSpan(offset), sample);
                }
                else
                {
                    raw[offset] = checked((byte)sample);
                }

                offset += bytesPerSample;
            }
        }

        if (cycleFilters)
        {
            ApplyFilters(raw, height, rowLength * bytesPerSample, channels * bytesPerSample);
        }

        WriteChunks(path, width, height, bitDepth, colorType, interlace: 0, raw);
    }

    private static void WriteChunks(string path, int width, int height, int bitDepth, byte colorType, byte interlace, byte[] raw)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = colorType;
        header[12] = interlace;

        using var file = File.Create(path);
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        WriteChunk(file, "IHDR", header);
        WriteChunk(file, "IDAT", compressed.ToArray());
        WriteChunk(file, "IEND", []);
    }

    /// <summary>Writes a 16-bit gray Adam7-interlaced PNG (no row filters).</summary>
    public static void WriteInterlacedGray16Png(string path, int width, int height, ReadOnlySpan<ushort> samples)
    {
        (int X, int Y, int StepX, int StepY)[] passes =
            [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)];
        var raw = new List<byte>();
        foreach (var (x0, y0, stepX, stepY) in passes)
        {
            if (x0 >= width || y0 >= height)
            {
                continue;
            }

            for (var y = y0; y < height; y += stepY)
            {
                raw.Add(0);
                for (var x = x0; x < width; x += stepX)
                {
                    raw.Add((byte)(samples[(y * width) + x] >> 8));
                    raw.Add((byte)samples[(y * width) + x]);
                }
            }
        }

        WriteChunks(path, width, height, 16, PngGray, interlace: 1, raw.ToArray());
    }

    /// <summary>Writes an uncompressed 24-bit bottom-up BMP (SkiaSharp has no BMP encoder).</summary>
    public static void WriteBmp24(string path, int width, int height, Func<int, int, (byte R, byte G, byte B)> color)
    {
        var rowSize = ((width * 3) + 3) & ~3;
        var pixelBytes = rowSize * height;
        var data = new byte[54 + pixelBytes];
        data[0] = (byte)'B';
        data[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(2), data.Length);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(data.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(34), pixelBytes);
        for (var y = 0; y < height; y++)
        {
            var row = 54 + ((height - 1 - y) * rowSize);
            for (var x = 0; x < width; x++)
            {
                var (r, g, b) = color(x, y);
                data[row + (x * 3)] = b;
                data[row + (x * 3) + 1] = g;
                data[row + (x * 3) + 2] = r;
            }
        }

        File.WriteAllBytes(path, data);
    }

    private static void ApplyFilters(byte[] raw, int height, int rowBytes, int bytesPerPixel)
    {
        var unfiltered = (byte[])raw.Clone();
        for (var y = 0; y < height; y++)
        {
            var start = (y * (rowBytes + 1)) + 1;
            var filter = (byte)(y % 5);
            raw[start - 1] = filter;
            for (var i = 0; i < rowBytes; i++)
            {
                int left = i >= bytesPerPixel ? unfiltered[start + i - bytesPerPixel] : 0;
                int up = y > 0 ? unfiltered[start + i - rowBytes - 1] : 0;
                int upperLeft = y > 0 && i >= bytesPerPixel ? unfiltered[start + i - bytesPerPixel - rowBytes - 1] : 0;
                var predictor = filter switch
                {
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upperLeft),
                    _ => 0,
                };
                raw[start + i] = (byte)(unfiltered[start + i] - predictor);
            }
        }
    }

    private static int Paeth(int a, int b, int c)
    {
        var p = a + b - c;
        int pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /// <summary>A PNG file made of exactly <paramref name="chunks"/> (type and data; lengths and CRCs filled in) after the signature.</summary>
    public static byte[] PngOf(params (string Type, byte[] Data)[] chunks)
    {
        using var file = new MemoryStream();
        file.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        foreach (var (type, data) in chunks)
        {
            WriteChunk(file, type, data);
        }

        return file.ToArray();
    }

    /// <summary>An IHDR chunk's data, whatever the PNG specification allows or not.</summary>
    public static byte[] Ihdr(int width, int height, int bitDepth, int colorType, int interlace = 0)
    {
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        (header[8], header[9], header[12]) = ((byte)bitDepth, (byte)colorType, (byte)interlace);
        return header;
    }

    /// <summary>
    /// An IDAT chunk's data: the zlib stream of <paramref name="rows"/> rows of <paramref name="rowBytes"/> zero bytes,
    /// each after a filter byte of 0, compressed as it goes (a few kilobytes hold a huge image).
    /// </summary>
    public static byte[] ZeroRows(long rows, int rowBytes)
    {
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + rowBytes];
            for (var y = 0L; y < rows; y++)
            {
                zlib.Write(row);
            }
        }

        return compressed.ToArray();
    }

    /// <summary>Rewrites the CRC of every whole chunk of <paramref name="png"/> in place, so a mutated file gets past CRC checks.</summary>
    public static void FixPngCrcs(byte[] png)
    {
        for (var offset = 8; offset + 12 <= png.Length;)
        {
            var length = BinaryPrimitives.ReadUInt32BigEndian(png.AsSpan(offset));
            if (length > png.Length - offset - 12L)
            {
                return;
            }

            BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(offset + 8 + (int)length), Crc32(png.AsSpan(offset + 4, 4 + (int)length)));
            offset += 12 + (int)length;
        }
    }

    private static void WriteChunk(Stream stream, string type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        var typeAndData = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
        stream.Write(typeAndData);
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32(typeAndData));
        stream.Write(word);
    }

    private static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc ^ 0xFFFFFFFFu;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}

/// <summary>A fresh temporary folder per test, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("sammpa-images-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
