using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SamMpa.Dicom;

/// <summary>
/// A dataset being built to be written in explicit VR little endian: elements kept in tag order whatever order they
/// are added in, each value padded to even length as its VR requires, sequences and their items written with defined
/// lengths (each item encoded first, so its length is known). Text is encoded as UTF-8 (Specific Character Set
/// ISO_IR 192, which the writer declares).
/// </summary>
internal sealed class DicomOutputDataset
{
    private readonly SortedDictionary<uint, Element> _elements = [];

    public DicomOutputDataset Text(uint tag, string vr, string value)
    {
        if (DicomVr.CheckText(vr, value) is { } problem)
        {
            throw new ArgumentException($"{DicomTags.Format(tag)} {vr}: {problem}");
        }

        return Add(tag, vr, Encoding.UTF8.GetBytes(value));
    }

    /// <summary>A multi-valued text element (values joined by backslashes).</summary>
    public DicomOutputDataset Texts(uint tag, string vr, params IEnumerable<string> values) =>
        Text(tag, vr, string.Join('\\', values));

    public DicomOutputDataset Integer(uint tag, int value) =>
        Text(tag, "IS", value.ToString(CultureInfo.InvariantCulture));

    public DicomOutputDataset UnsignedShort(uint tag, ushort value)
    {
        var bytes = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, value);
        return Add(tag, "US", bytes);
    }

    public DicomOutputDataset UnsignedLongs(uint tag, params IReadOnlyList<uint> values)
    {
        var bytes = new byte[4 * values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4 * i), values[i]);
        }

        return Add(tag, "UL", bytes);
    }

    /// <summary>An AT element: the tag's group then its element, each a 16-bit word.</summary>
    public DicomOutputDataset AttributeTag(uint tag, uint value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteUInt16LittleEndian(bytes, (ushort)(value >> 16));
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(2), (ushort)value);
        return Add(tag, "AT", bytes);
    }

    /// <summary>A binary element (OB, OW, ...) holding <paramref name="value"/>, padded to even length.</summary>
    public DicomOutputDataset Bytes(uint tag, string vr, byte[] value) => Add(tag, vr, value);

    public DicomOutputDataset Sequence(uint tag, params IEnumerable<DicomOutputDataset> items)
    {
        _elements[tag] = new Element("SQ", null, [.. items]);
        return this;
    }

    /// <summary>The dataset's elements, encoded in tag order.</summary>
    public byte[] Encode()
    {
        using var output = new MemoryStream();
        WriteTo(output);
        return output.ToArray();
    }

    public void WriteTo(Stream output)
    {
        Span<byte> header = stackalloc byte[12];
        foreach (var (tag, element) in _elements)
        {
            var value = element.Items is null ? element.Value! : EncodeItems(element.Items);
            var padded = value.Length + (value.Length % 2);
            BinaryPrimitives.WriteUInt16LittleEndian(header, (ushort)(tag >> 16));
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)tag);
            header[4] = (byte)element.Vr[0];
            header[5] = (byte)element.Vr[1];
            if (DicomVr.HasLongLength(element.Vr))
            {
                BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], (uint)padded);
                output.Write(header);
            }
            else
            {
                if (padded > ushort.MaxValue - 1)
                {
                    throw new ArgumentException($"{DicomTags.Format(tag)} {element.Vr}: a value of {padded:N0} bytes does not fit a 16-bit length");
                }

                BinaryPrimitives.WriteUInt16LittleEndian(header[6..], (ushort)padded);
                output.Write(header[..8]);
            }

            output.Write(value);
            if (padded != value.Length)
            {
                output.WriteByte(DicomVr.PaddingOf(element.Vr));
            }
        }
    }

    // Each item: (FFFE,E000) and its length, then its elements; no delimiters are needed with defined lengths.
    private static byte[] EncodeItems(IReadOnlyList<DicomOutputDataset> items)
    {
        using var output = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        foreach (var item in items)
        {
            var encoded = item.Encode();
            BinaryPrimitives.WriteUInt16LittleEndian(header, 0xFFFE);
            BinaryPrimitives.WriteUInt16LittleEndian(header[2..], 0xE000);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)encoded.Length);
            output.Write(header);
            output.Write(encoded);
        }

        return output.ToArray();
    }

    private DicomOutputDataset Add(uint tag, string vr, byte[] value)
    {
        _elements[tag] = new Element(vr, value, null);
        return this;
    }

    private sealed record Element(string Vr, byte[]? Value, IReadOnlyList<DicomOutputDataset>? Items);
}
