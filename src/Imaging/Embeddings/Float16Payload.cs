using System.Buffers.Binary;

namespace SamMpa.Imaging.Embeddings;

/// <summary>The payload the float16 codecs share (embeddings, dense feature maps): values and the FNV-1a checksum.</summary>
internal static class Float16Payload
{
    /// <summary>Writes <paramref name="values"/> as float16 into <paramref name="payload"/>; returns the rounded values.</summary>
    public static float[] Write(ReadOnlySpan<float> values, Span<byte> payload)
    {
        var rounded = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var half = (Half)values[i];
            BinaryPrimitives.WriteHalfLittleEndian(payload[(2 * i)..], half);
            rounded[i] = (float)half;
        }

        return rounded;
    }

    public static float[] Read(ReadOnlySpan<byte> payload, int count)
    {
        var values = new float[count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(payload[(2 * i)..]);
        }

        return values;
    }

    public static uint Fnv1a(ReadOnlySpan<byte> data)
    {
        var hash = 2166136261u;
        foreach (var b in data)
        {
            hash = (hash ^ b) * 16777619u;
        }

        return hash;
    }
}
