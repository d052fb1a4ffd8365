using System.Buffers.Binary;
using SamMpa.Imaging.Embeddings;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// The stored form of a dense feature map (blobs, caches): float16 values after a 24-byte header (magic "SMPF",
/// version, channels, height, width, FNV-1a checksum of the payload). A truncated, foreign or corrupted copy decodes to
/// null, as with <see cref="Embeddings.EmbeddingCodec"/>.
/// </summary>
public static class FeatureMapCodec
{
    private const uint Magic = 0x46504D53; // "SMPF" little-endian
    private const int Version = 1;
    private const int HeaderLength = 24;

    /// <summary>The stored bytes and the map with the float16-rounded values they hold.</summary>
    public static (byte[] Bytes, DenseFeatureMap Rounded) Encode(DenseFeatureMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var values = map.Values;
        var bytes = new byte[HeaderLength + (2L * values.Length)];
        var payload = bytes.AsSpan(HeaderLength);
        var rounded = Float16Payload.Write(values, payload);

        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), map.Channels);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), map.Height);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), map.Width);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(20), Float16Payload.Fnv1a(payload));
        return (bytes, new DenseFeatureMap(map.Channels, map.Height, map.Width, rounded));
    }

    /// <summary>The map, or null when the bytes are not a complete, intact feature map.</summary>
    public static DenseFeatureMap? Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < HeaderLength
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]) != Version)
        {
            return null;
        }

        var channels = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        var width = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        if (channels <= 0 || height <= 0 || width <= 0)
        {
            return null;
        }

        var count = (long)channels * height * width;
        if (count > int.MaxValue / 2 || bytes.Length != HeaderLength + (2L * count))
        {
            return null;
        }

        var payload = bytes[HeaderLength..];
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]) != Float16Payload.Fnv1a(payload))
        {
            return null;
        }

        var values = Float16Payload.Read(payload, (int)count);

        return new DenseFeatureMap(channels, height, width, values);
    }
}
