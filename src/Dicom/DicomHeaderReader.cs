using System.Buffers.Binary;
using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace SamMpa.Dicom;

/// <summary>
/// Reads a DICOM Part-10 file's header: the 128-byte preamble and "DICM", the file meta group (explicit VR little
/// endian) for the transfer syntax, then the dataset (implicit or explicit VR little endian, inflated first when
/// deflated) up to Pixel Data, skipping sequences of defined and undefined length without looking inside. Only the
/// top-level attributes of <see cref="DicomHeader"/> are kept; no pixel is decoded.
/// </summary>
public static class DicomHeaderReader
{
    private const int PreambleLength = 128;
    private const uint UndefinedLength = 0xFFFF_FFFF;

    // A crafted file could nest undefined-length items without end; real datasets nest a handful deep.
    private const int MaxSequenceDepth = 32;

    /// <summary>Reads the header of a Part-10 file held in memory; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="DicomReadException">Not Part-10, truncated, without pixel data or an unreadable attribute.</exception>
    public static DicomHeader Read(byte[] content, string name) => Parse(content, name, long.MaxValue).Header;

    /// <summary>The header and where the pixel data lies (in <paramref name="content"/>, or in its inflated dataset).</summary>
    internal static DicomParsedFile Parse(byte[] content, string name, long maxInflatedBytes)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Length < PreambleLength + 4 || !content.AsSpan(PreambleLength, 4).SequenceEqual("DICM"u8))
        {
            throw new DicomReadException(name, "not a DICOM Part-10 file (no 'DICM' after the 128-byte preamble)");
        }

        var position = PreambleLength + 4;
        var syntax = DicomTransferSyntax.Resolve(ReadTransferSyntaxUid(content, ref position, name), name);
        var dataset = content;
        if (syntax.Encoding == DicomPixelEncoding.Deflated)
        {
            dataset = Inflate(content, position, name, maxInflatedBytes);
            position = 0;
        }

        var walker = new DatasetWalker(dataset, name, syntax.ExplicitVr);
        walker.WalkTopLevel(position);
        if (walker.PixelDataOffset < 0)
        {
            throw new DicomReadException(name, "no Pixel Data (7FE0,0010): the instance holds no image");
        }

        var header = new DicomAttributes(walker, name).ToHeader(syntax);
        return new DicomParsedFile(header, dataset, walker.PixelDataOffset, walker.PixelDataLength);
    }

    // The file meta group is always explicit VR little endian; it ends where the group number changes.
    private static string ReadTransferSyntaxUid(byte[] content, ref int position, string name)
    {
        var meta = new DatasetWalker(content, name, explicitVr: true);
        string? uid = null;
        while (position + 4 <= content.Length && BinaryPrimitives.ReadUInt16LittleEndian(content.AsSpan(position)) == 0x0002)
        {
            var element = meta.ReadElementHeader(ref position);
            if (element.Length == UndefinedLength)
            {
                throw new DicomReadException(name, $"file meta element {DicomTags.Format(element.Tag)} has an undefined length");
            }

            meta.CheckRemaining(position, element);
            if (element.Tag == DicomTags.TransferSyntaxUid)
            {
                uid = DicomAttributes.DecodeText(content.AsSpan(position, (int)element.Length), Encoding.ASCII);
            }

            position += (int)element.Length;
        }

        return string.IsNullOrEmpty(uid)
            ? throw new DicomReadException(name, "no Transfer Syntax UID (0002,0010) in the file meta information")
            : uid;
    }

    // Inflates the raw-deflated dataset, refusing (before it is all in memory) one that inflates past the limit.
    private static byte[] Inflate(byte[] content, int start, string name, long maxBytes)
    {
        using var input = new MemoryStream(content, start, content.Length - start, writable: false);
        using var inflater = new DeflateStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        var buffer = new byte[81920];
        try
        {
            int read;
            while ((read = inflater.Read(buffer)) > 0)
            {
                if (output.Length + read > maxBytes)
                {
                    throw new DicomReadException(name, $"the deflated dataset inflates to more than {maxBytes:N0} bytes (the file length limit); it was not decoded");
                }

                output.Write(buffer, 0, read);
            }
        }
        catch (InvalidDataException e)
        {
            throw new DicomReadException(name, $"the deflated dataset is corrupt ({e.Message})", e);
        }

        return output.ToArray();
    }

    /// <summary>An element's tag, VR (two ASCII letters; 0 in implicit VR and for items) and value length.</summary>
    internal readonly record struct ElementHeader(uint Tag, ushort Vr, uint Length);

    /// <summary>Walks a dataset's elements: keeps the top-level values wanted, skips sequences, stops at Pixel Data.</summary>
    internal sealed class DatasetWalker(byte[] data, string name, bool explicitVr)
    {
        private static readonly HashSet<ushort> LongLengthVrs =
            new[] { "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UR", "UT", "UN", "SV", "UV" }.Select(VrCode).ToHashSet();

        private static readonly ushort SequenceVr = VrCode("SQ");
        private static readonly ushort UnknownVr = VrCode("UN");

        public byte[] Data { get; } = data;

        /// <summary>Kept top-level values: where each lies in <see cref="Data"/>.</summary>
        public Dictionary<uint, Range> Values { get; } = [];

        public bool HasVoiLut { get; private set; }

        /// <summary>The VOI LUT Sequence's first item's LUT Descriptor and LUT Data, where they lie in <see cref="Data"/>.</summary>
        public Dictionary<uint, Range> VoiLutValues { get; } = [];

        /// <summary>Start of the pixel data value; -1 until found.</summary>
        public int PixelDataOffset { get; private set; } = -1;

        /// <summary>Its length in bytes, or -1 when encapsulated (undefined length).</summary>
        public int PixelDataLength { get; private set; } = -1;

        public void WalkTopLevel(int position)
        {
            while (position < Data.Length)
            {
                var element = ReadElementHeader(ref position);
                if (element.Tag == DicomTags.PixelData)
                {
                    PixelDataOffset = position;
                    if (element.Length != UndefinedLength)
                    {
                        CheckRemaining(position, element);
                        PixelDataLength = (int)element.Length;
                    }

                    return;
                }

                if (element.Tag == DicomTags.VoiLutSequence)
                {
                    HasVoiLut = true;
                    if (element.Length != UndefinedLength)
                    {
                        CheckRemaining(position, element);
                    }

                    ReadFirstVoiLutItem(position);
                }

                if (element.Length == UndefinedLength)
                {
                    SkipUndefinedLength(ref position, element, depth: 0);
                    continue;
                }

                CheckRemaining(position, element);
                if (DicomTags.Kept.Contains(element.Tag))
                {
                    Values[element.Tag] = new Range(position, position + (int)element.Length);
                }

                position += (int)element.Length;
            }
        }

        // The first item's LUT Descriptor and LUT Data (the VOI LUT applied, PS3.3 C.11.2); the sequence itself is
        // then skipped from its start like any other.
        private void ReadFirstVoiLutItem(int position)
        {
            if (Data.Length - position < 8)
            {
                return; // an empty sequence of length 0 at the end; a truncated one fails when it is skipped
            }

            var item = ReadItemHeader(ref position);
            if (item.Tag != DicomTags.Item)
            {
                return;
            }

            var itemEnd = Data.Length;
            if (item.Length != UndefinedLength)
            {
                CheckRemaining(position, item);
                itemEnd = position + (int)item.Length;
            }

            while (position < itemEnd)
            {
                var element = ReadElementHeader(ref position);
                if (element.Tag == DicomTags.ItemDelimitation)
                {
                    return;
                }

                if (element.Length == UndefinedLength)
                {
                    SkipUndefinedLength(ref position, element, depth: 1);
                    continue;
                }

                CheckRemaining(position, element);
                if (element.Tag is DicomTags.LutDescriptor or DicomTags.LutData)
                {
                    VoiLutValues[element.Tag] = new Range(position, position + (int)element.Length);
                }

                position += (int)element.Length;
            }
        }

        public ElementHeader ReadElementHeader(ref int position)
        {
            if (Data.Length - position < 8)
            {
                throw Truncated($"the data ends inside an element header at byte {position:N0}");
            }

            var span = Data.AsSpan(position);
            var tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(span) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
            if (!explicitVr || tag >> 16 == 0xFFFE)
            {
                position += 8;
                return new ElementHeader(tag, 0, BinaryPrimitives.ReadUInt32LittleEndian(span[4..]));
            }

            var vr = (ushort)((span[4] << 8) | span[5]);
            if (!char.IsAsciiLetterUpper((char)span[4]) || !char.IsAsciiLetterUpper((char)span[5]))
            {
                throw new DicomReadException(name, $"element {DicomTags.Format(tag)} at byte {position:N0} has no valid explicit VR (corrupt, or not the transfer syntax the file meta declares)");
            }

            if (!LongLengthVrs.Contains(vr))
            {
                position += 8;
                return new ElementHeader(tag, vr, BinaryPrimitives.ReadUInt16LittleEndian(span[6..]));
            }

            if (span.Length < 12)
            {
                throw Truncated($"the data ends inside the header of element {DicomTags.Format(tag)} at byte {position:N0}");
            }

            position += 12;
            return new ElementHeader(tag, vr, BinaryPrimitives.ReadUInt32LittleEndian(span[8..]));
        }

        public void CheckRemaining(int position, ElementHeader element)
        {
            if (element.Length > (uint)(Data.Length - position))
            {
                throw Truncated($"element {DicomTags.Format(element.Tag)} at byte {position:N0} declares {element.Length:N0} bytes, only {Data.Length - position:N0} remain");
            }
        }

        // An undefined length is allowed for a sequence (SQ, or any tag in implicit VR) and for UN holding one, whose
        // items are implicit VR (PS3.5 6.2.2); encapsulated pixel data inside an item is a sequence of fragments too.
        private void SkipUndefinedLength(ref int position, ElementHeader element, int depth)
        {
            if (explicitVr && element.Vr != SequenceVr && element.Vr != UnknownVr && element.Tag != DicomTags.PixelData)
            {
                throw new DicomReadException(name, $"element {DicomTags.Format(element.Tag)} has an undefined length but is not a sequence");
            }

            var itemsExplicitVr = explicitVr && element.Vr != UnknownVr;
            var items = itemsExplicitVr == explicitVr ? this : new DatasetWalker(Data, name, itemsExplicitVr);
            items.SkipSequenceItems(ref position, depth + 1);
        }

        private void SkipSequenceItems(ref int position, int depth)
        {
            if (depth > MaxSequenceDepth)
            {
                throw new DicomReadException(name, $"sequences nested more than {MaxSequenceDepth} deep at byte {position:N0}");
            }

            while (true)
            {
                var item = ReadItemHeader(ref position);
                if (item.Tag == DicomTags.SequenceDelimitation)
                {
                    return;
                }

                if (item.Tag != DicomTags.Item)
                {
                    throw new DicomReadException(name, $"malformed sequence: {DicomTags.Format(item.Tag)} at byte {position - 8:N0} where an item or the sequence end belongs");
                }

                if (item.Length != UndefinedLength)
                {
                    CheckRemaining(position, item);
                    position += (int)item.Length;
                    continue;
                }

                SkipItemElements(ref position, depth);
            }
        }

        private void SkipItemElements(ref int position, int depth)
        {
            while (true)
            {
                var element = ReadElementHeader(ref position);
                if (element.Tag == DicomTags.ItemDelimitation)
                {
                    return;
                }

                if (element.Length == UndefinedLength)
                {
                    SkipUndefinedLength(ref position, element, depth);
                    continue;
                }

                CheckRemaining(position, element);
                position += (int)element.Length;
            }
        }

        private ElementHeader ReadItemHeader(ref int position)
        {
            if (Data.Length - position < 8)
            {
                throw Truncated($"the data ends inside a sequence at byte {position:N0}");
            }

            var span = Data.AsSpan(position);
            var tag = ((uint)BinaryPrimitives.ReadUInt16LittleEndian(span) << 16) | BinaryPrimitives.ReadUInt16LittleEndian(span[2..]);
            position += 8;
            return new ElementHeader(tag, 0, BinaryPrimitives.ReadUInt32LittleEndian(span[4..]));
        }

        private DicomReadException Truncated(string detail) => new(name, $"truncated file: {detail}");

        private static ushort VrCode(string vr) => (ushort)((vr[0] << 8) | vr[1]);
    }
}
