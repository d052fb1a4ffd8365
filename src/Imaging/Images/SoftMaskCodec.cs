using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace SamMpa.Imaging.Images;

/// <summary>
/// The stored form of a soft mask on the working grid (the fused registration result SAM is prompted with): a 16-byte
/// header (magic "SMSK", version, width, height) and float32 values, little-endian, so SAM sees exactly the values
/// the coarse mask was thresholded from.
/// </summary>
public static class SoftMaskCodec
{
    private const uint Magic = 0x4B534D53; // "SMSK" little-endian
    private const int Version = 1;
    private const int HeaderLength = 16;

    public static byte[] Encode(GrayImage mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var bytes = new byte[HeaderLength + (sizeof(float) * mask.Length)];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(4), Version);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(8), mask.Width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), mask.Height);
        var payload = bytes.AsSpan(HeaderLength);
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(mask.Pixels).CopyTo(payload);
        }
        else
        {
            for (var i = 0; i < mask.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(payload[(sizeof(float) * i)..], mask.Pixels[i]);
            }
        }

        return bytes;
    }

    /// <summary>The mask; an <see cref="InvalidImageException"/> naming <paramref name="name"/> when the bytes are not one.</summary>
    public static GrayImage Decode(ReadOnlySpan<byte> bytes, string name)
    {
        if (bytes.Length < HeaderLength || BinaryPrimitives.ReadUInt32LittleEndian(bytes) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]) != Version)
        {
            throw new InvalidImageException(name, "not a soft mask");
        }

        var width = BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]);
        var height = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
        if (width <= 0 || height <= 0 || (long)width * height * sizeof(float) != bytes.Length - HeaderLength)
        {
            throw new InvalidImageException(name, $"soft mask of {width}x{height} does not match its {bytes.Length} bytes");
        }

        var mask = new GrayImage(width, height);
        var payload = bytes[HeaderLength..];
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(payload).CopyTo(mask.Pixels);
        }
        else
        {
            for (var i = 0; i < mask.Length; i++)
            {
                mask.Pixels[i] = BinaryPrimitives.ReadSingleLittleEndian(payload[(sizeof(float) * i)..]);
            }
        }

        return mask;
    }
}
