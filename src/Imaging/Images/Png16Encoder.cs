using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace SamMpa.Imaging.Images;

/// <summary>
/// Encodes a grey image as a 16-bit grey PNG, each value v of the 0..255 scale written as round(v * 257): the inverse of
/// <see cref="Png16Decoder"/>'s s / 257, so an image read from 16-bit data (DICOM, a 16-bit PNG) keeps every level.
/// Skia cannot write 16-bit grey; the format is small enough to write here (IHDR, one zlib IDAT, IEND).
/// </summary>
public static class Png16Encoder
{
    private static readonly byte[] Signature = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
    private static readonly uint[] CrcTable = BuildCrcTable();

    public static byte[] Encode(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var output = new MemoryStream();
        output.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 16; // bit depth
        header[9] = 0; // colour type: grey
        header[10] = 0; // deflate
        header[11] = 0; // adaptive filtering
        header[12] = 0; // not interlaced
        WriteChunk(output, "IHDR", header);

        using (var data = new MemoryStream())
        {
            using (var zlib = new ZLibStream(data, CompressionLevel.Optimal, leaveOpen: true))
            {
                var row = new byte[1 + (image.Width * 2)];
                for (var y = 0; y < image.Height; y++)
                {
                    // Filter type 0 (none): each row as it is, big-endian samples.
                    var pixels = image.Row(y);
                    for (var x = 0; x < pixels.Length; x++)
                    {
                        BinaryPrimitives.WriteUInt16BigEndian(row.AsSpan(1 + (2 * x)), Sample(pixels[x]));
                    }

                    zlib.Write(row);
                }
            }

            WriteChunk(output, "IDAT", data.GetBuffer().AsSpan(0, (int)data.Length));
        }

        WriteChunk(output, "IEND", []);
        return output.ToArray();
    }

    /// <summary>The 16-bit sample of a 0..255 value: round(v * 257), clamped.</summary>
    public static ushort Sample(float value) => (ushort)Math.Clamp(Math.Round(value * 257.0), 0, ushort.MaxValue);

    private static void WriteChunk(Stream output, string type, ReadOnlySpan<byte> content)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, content.Length);
        output.Write(word);
        Span<byte> typeBytes = stackalloc byte[4];
        Encoding.ASCII.GetBytes(type, typeBytes);
        output.Write(typeBytes);
        output.Write(content);
        var crc = Crc(Crc(0xFFFFFFFFu, typeBytes), content) ^ 0xFFFFFFFFu;
        BinaryPrimitives.WriteUInt32BigEndian(word, crc);
        output.Write(word);
    }

    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    // The PNG specification's CRC-32 (polynomial 0xEDB88320), table-driven.
    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
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
