using System.Buffers.Binary;

namespace SamMpa.Imaging.Images;

/// <summary>
/// A PNG file's header and the place of its image data, from one walk over its chunks: the size every check and the
/// decoder use. Refused (as an <see cref="InvalidImageException"/> naming the file): an IHDR that is not the first chunk,
/// a second IHDR, an IHDR whose bit depth and colour type the PNG specification does not allow together, an unknown
/// compression, filter or interlace method, a chunk running past the end of the file, no image data, or no IEND.
/// </summary>
internal sealed record PngHeader(int Width, int Height, int BitDepth, int ColorType, bool Interlaced, IReadOnlyList<(int Offset, int Length)> DataChunks)
{
    private const int HeaderLength = 13;

    private static ReadOnlySpan<byte> Signature => [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Samples per pixel of the colour type (gray 1, RGB 3, palette 1, gray+alpha 2, RGBA 4).</summary>
    public int Channels => ColorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };

    /// <summary>Total length of the IDAT chunks' data (the zlib stream).</summary>
    public long DataLength => DataChunks.Sum(c => (long)c.Length);

    public static bool HasSignature(ReadOnlySpan<byte> content) => content.StartsWith(Signature);

    /// <param name="sizeOnly">
    /// Only the size is wanted (listing a dataset): the chunks are walked as far as the file goes, so a second or
    /// misplaced IHDR is still refused, but a file cut short further on is not; it is refused when it is decoded, and
    /// fails alone.
    /// </param>
    /// <exception cref="InvalidImageException">The chunks are not a well-formed PNG's.</exception>
    public static PngHeader Parse(ReadOnlySpan<byte> file, string name, bool sizeOnly = false)
    {
        if (!HasSignature(file))
        {
            throw new InvalidImageException(name, "not a PNG file (no PNG signature)");
        }

        PngHeader? header = null;
        var data = new List<(int Offset, int Length)>();
        var offset = Signature.Length;
        while (true)
        {
            if (file.Length - offset < 12)
            {
                if (sizeOnly && header is not null)
                {
                    return header;
                }

                throw new InvalidImageException(name, "truncated image (incomplete data: the PNG ends before its IEND chunk)");
            }

            // Chunk: length (31 bits), type, data, CRC.
            var length = BinaryPrimitives.ReadUInt32BigEndian(file[offset..]);
            var type = file.Slice(offset + 4, 4);
            if (length > int.MaxValue || length > file.Length - offset - 12L)
            {
                if (sizeOnly && header is not null)
                {
                    return header;
                }

                throw new InvalidImageException(name, $"truncated image (incomplete data: chunk '{TypeName(type)}' at byte {offset} declares {length:N0} bytes, past the end of the file)");
            }

            var chunk = file.Slice(offset + 8, (int)length);
            if (type.SequenceEqual("IHDR"u8))
            {
                header = header is null && offset == Signature.Length
                    ? ParseHeader(chunk, name)
                    : throw new InvalidImageException(name, header is null
                        ? "not a valid PNG (IHDR is not the first chunk)"
                        : $"not a valid PNG (a second IHDR chunk at byte {offset}; a PNG has exactly one)");
            }
            else if (header is null)
            {
                throw new InvalidImageException(name, $"not a valid PNG (the first chunk is '{TypeName(type)}', not IHDR)");
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                data.Add((offset + 8, (int)length));
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }

            offset += 12 + (int)length;
        }

        return header is not null && (data.Count > 0 || sizeOnly)
            ? header with { DataChunks = data }
            : throw new InvalidImageException(name, "not a valid PNG (no IDAT chunk: the file holds no image data)");
    }

    private static PngHeader ParseHeader(ReadOnlySpan<byte> chunk, string name)
    {
        if (chunk.Length != HeaderLength)
        {
            throw new InvalidImageException(name, $"not a valid PNG (IHDR holds {chunk.Length} bytes, not {HeaderLength})");
        }

        // Width and height are at most 2^31 - 1 by the specification, so a negative value is out of range too.
        var width = BinaryPrimitives.ReadInt32BigEndian(chunk);
        var height = BinaryPrimitives.ReadInt32BigEndian(chunk[4..]);
        int bitDepth = chunk[8], colorType = chunk[9], compression = chunk[10], filter = chunk[11], interlace = chunk[12];
        if (width <= 0 || height <= 0)
        {
            throw new InvalidImageException(name, $"invalid image size {width}x{height}");
        }

        if (!IsAllowed(bitDepth, colorType))
        {
            throw new InvalidImageException(name, $"not a valid PNG (bit depth {bitDepth} with colour type {colorType} is not allowed by the PNG specification)");
        }

        if (compression != 0 || filter != 0 || interlace > 1)
        {
            throw new InvalidImageException(name, $"not a valid PNG (compression method {compression}, filter method {filter}, interlace method {interlace}; only 0, 0 and 0 or 1 exist)");
        }

        return new PngHeader(width, height, bitDepth, colorType, interlace == 1, []);
    }

    // PNG specification, table 11.1: the bit depths each colour type allows.
    private static bool IsAllowed(int bitDepth, int colorType) => colorType switch
    {
        0 => bitDepth is 1 or 2 or 4 or 8 or 16,
        3 => bitDepth is 1 or 2 or 4 or 8,
        2 or 4 or 6 => bitDepth is 8 or 16,
        _ => false,
    };

    // A chunk type is four ASCII letters; anything else is shown as hex so the message stays printable.
    private static string TypeName(ReadOnlySpan<byte> type)
    {
        foreach (var b in type)
        {
            if (b is not (>= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z'))
            {
                return Convert.ToHexString(type);
            }
        }

        return System.Text.Encoding.ASCII.GetString(type);
    }
}
