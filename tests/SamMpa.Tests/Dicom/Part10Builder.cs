using System.Buffers.Binary;
using System.Text;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// Builds small explicit VR little endian Part-10 files byte by byte, for the cases the toolkits will not write
/// (signed samples with a shifted high bit, sequences nested without end, a file cut inside a sequence).
/// </summary>
internal sealed class Part10Builder
{
    private readonly List<byte> _dataset = [];

    public Part10Builder Text(ushort group, ushort element, string vr, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value.Length % 2 == 0 ? value : value + (vr == "UI" ? "\0" : " "));
        return Element(group, element, vr, bytes);
    }

    public Part10Builder UnsignedShort(ushort group, ushort element, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Element(group, element, "US", bytes);
    }

    /// <summary>An element of a long-length VR (OB, OW, SQ, ...) with a defined length.</summary>
    public Part10Builder Element(ushort group, ushort element, string vr, byte[] value)
    {
        WriteTag(group, element);
        Write(Encoding.ASCII.GetBytes(vr));
        if (vr is "OB" or "OW" or "SQ" or "UN" or "UT")
        {
            Write([0, 0]);
            WriteUInt32((uint)value.Length);
        }
        else
        {
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(length, (ushort)value.Length);
            Write(length);
        }

        Write(value);
        return this;
    }

    /// <summary>Raw bytes (item tags, undefined lengths) written as they are.</summary>
    public Part10Builder Raw(byte[] bytes)
    {
        Write(bytes);
        return this;
    }

    /// <summary>A sequence of undefined length opened: then items of undefined length, <paramref name="depth"/> deep, never closed.</summary>
    public Part10Builder UnclosedNestedSequences(int depth)
    {
        for (var i = 0; i < depth; i++)
        {
            WriteTag(0x0008, 0x1140);
            Write("SQ"u8);
            Write([0, 0]);
            WriteUInt32(0xFFFF_FFFF);
            WriteTag(0xFFFE, 0xE000);
            WriteUInt32(0xFFFF_FFFF);
        }

        return this;
    }

    public byte[] Build(string transferSyntaxUid = "1.2.840.10008.1.2.1")
    {
        var file = new MemoryStream();
        file.Write(new byte[128]);
        file.Write("DICM"u8);
        var uid = Encoding.ASCII.GetBytes(transferSyntaxUid.Length % 2 == 0 ? transferSyntaxUid : transferSyntaxUid + "\0");
        file.Write([0x02, 0x00, 0x10, 0x00, (byte)'U', (byte)'I', (byte)uid.Length, 0]);
        file.Write(uid);
        file.Write(_dataset.ToArray());
        return file.ToArray();
    }

    private void Write(ReadOnlySpan<byte> bytes) => _dataset.AddRange(bytes);

    private void WriteTag(ushort group, ushort element)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, group);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), element);
        Write(bytes);
    }

    private void WriteUInt32(uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, value);
        Write(bytes);
    }
}
