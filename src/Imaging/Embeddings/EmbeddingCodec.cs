using System.Buffers.Binary;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// The stored form of an embedding (cache files and blobs): float16 values after a 16-byte header (magic "SMPE",
/// version, dimension, FNV-1a checksum of the payload). A truncated, foreign or corrupted copy decodes to null.
/// </summary>
public static class EmbeddingCodec
{
    private const uint Magic = 0x45504D53; // "SMPE" little-endian
    private const int Version = 1;
    private const int HeaderLength = 16;

    /// <summary>The stored bytes and the float16-rounded values they hold.</summary>
    public static (byte[] Bytes, float[] Rounded) Encode(ReadOnlySpan<float> values)
    {
        var bytes = new byte[HeaderLength + (2 * values.Length)];
        var payload = bytes.AsSpan(HeaderLength);
        var rounded = Float16Payload.Write(values, payload);

        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), values.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), Float16Payload.Fnv1a(payload));
        return (bytes, rounded);
    }

    /// <summary>The values, or null when the bytes are not a complete, intact embedding of <paramref name="dimension"/> values.</summary>
    public static float[]? Decode(ReadOnlySpan<byte> bytes, int dimension) =>
        bytes.Length >= HeaderLength && BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]) == dimension ? Decode(bytes) : null;

    /// <summary>The values of an embedding of any dimension, or null when the bytes are not a complete, intact embedding.</summary>
    public static float[]? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderLength
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]) != Version)
        {
            return null;
        }

        var dimension = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        if (dimension < 0 || bytes.Length != HeaderLength + (2L * dimension))
        {
            return null;
        }

        var payload = bytes[HeaderLength..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]) != Float16Payload.Fnv1a(payload))
        {
            return null;
        }

        var values = Float16Payload.Read(payload, dimension);

        return values;
    }
}
