using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace SamMpa.Dicom;

/// <summary>
/// Turns the kept top-level values into a <see cref="DicomHeader"/>: US, IS, DS and text values decoded, required
/// attributes checked, each failure naming the attribute.
/// </summary>
internal sealed class DicomAttributes(DicomHeaderReader.DatasetWalker walker, string name)
{
    private static readonly Encoding Latin1 = Encoding.Latin1;

    public DicomHeader ToHeader(DicomTransferSyntax syntax)
    {
        var bitsAllocated = RequiredUnsigned(DicomTags.BitsAllocated, "Bits Allocated");
        var bitsStored = OptionalUnsigned(DicomTags.BitsStored, "Bits Stored") ?? bitsAllocated;
        var header = new DicomHeader
        {
            TransferSyntax = syntax,
            Rows = RequiredUnsigned(DicomTags.Rows, "Rows"),
            Columns = RequiredUnsigned(DicomTags.Columns, "Columns"),
            BitsAllocated = bitsAllocated,
            BitsStored = bitsStored,
            HighBit = OptionalUnsigned(DicomTags.HighBit, "High Bit") ?? bitsStored - 1,
            PixelRepresentation = OptionalUnsigned(DicomTags.PixelRepresentation, "Pixel Representation") ?? 0,
            SamplesPerPixel = OptionalUnsigned(DicomTags.SamplesPerPixel, "Samples per Pixel") ?? 1,
            PhotometricInterpretation = Text(DicomTags.PhotometricInterpretation) is { Length: > 0 } photometric
                ? photometric
                : throw Invalid("no Photometric Interpretation (0028,0004)"),
            NumberOfFrames = FirstInteger(DicomTags.NumberOfFrames, "Number of Frames") ?? 1,
            RescaleSlope = FirstDecimal(DicomTags.RescaleSlope, "Rescale Slope") ?? 1,
            RescaleIntercept = FirstDecimal(DicomTags.RescaleIntercept, "Rescale Intercept") ?? 0,
            Window = ReadWindow(),
            VoiLut = walker.HasVoiLut ? ReadVoiLut(OptionalUnsigned(DicomTags.PixelRepresentation, "Pixel Representation") == 1) : null,
            PixelSpacing = ReadSpacing(DicomTags.PixelSpacing, "Pixel Spacing") ?? ReadSpacing(DicomTags.ImagerPixelSpacing, "Imager Pixel Spacing"),
            Provenance = ReadProvenance(),
            PatientStudy = ReadPatientStudy(),
            ImagePositionPatient = Text(DicomTags.ImagePositionPatient),
            ImageOrientationPatient = Text(DicomTags.ImageOrientationPatient),
            SliceThickness = Text(DicomTags.SliceThickness),
            PixelDataEncapsulated = walker.PixelDataLength < 0,
        };

        if (header.Rows == 0 || header.Columns == 0)
        {
            throw Invalid($"declares an image of {header.Columns}x{header.Rows} pixels (Columns x Rows)");
        }

        if (header.NumberOfFrames < 1)
        {
            throw Invalid($"Number of Frames (0028,0008) is {header.NumberOfFrames}; at least 1 is needed");
        }

        if (header.RescaleSlope == 0)
        {
            throw Invalid("Rescale Slope (0028,1053) is 0, which would make every pixel the same");
        }

        return header;
    }

    /// <summary>A text value without the padding DICOM allows (trailing spaces, a trailing NUL for UIDs).</summary>
    public static string DecodeText(ReadOnlySpan<byte> value, Encoding encoding) =>
        encoding.GetString(value).Trim(' ', '\0');

    private DicomProvenance ReadProvenance() => new()
    {
        StudyInstanceUid = Text(DicomTags.StudyInstanceUid),
        SeriesInstanceUid = Text(DicomTags.SeriesInstanceUid),
        SopInstanceUid = Text(DicomTags.SopInstanceUid),
        SopClassUid = Text(DicomTags.SopClassUid),
        FrameOfReferenceUid = Text(DicomTags.FrameOfReferenceUid),
        InstitutionName = Text(DicomTags.InstitutionName),
        Manufacturer = Text(DicomTags.Manufacturer),
        ManufacturerModelName = Text(DicomTags.ManufacturerModelName),
        StationName = Text(DicomTags.StationName),
        Modality = Text(DicomTags.Modality),
    };

    private DicomPatientStudy ReadPatientStudy() => new()
    {
        PatientName = Text(DicomTags.PatientName),
        PatientId = Text(DicomTags.PatientId),
        PatientBirthDate = Text(DicomTags.PatientBirthDate),
        PatientSex = Text(DicomTags.PatientSex),
        StudyDate = Text(DicomTags.StudyDate),
        StudyTime = Text(DicomTags.StudyTime),
        ReferringPhysicianName = Text(DicomTags.ReferringPhysicianName),
        StudyId = Text(DicomTags.StudyId),
        AccessionNumber = Text(DicomTags.AccessionNumber),
    };

    private DicomWindow? ReadWindow()
    {
        var center = FirstDecimal(DicomTags.WindowCenter, "Window Center");
        var width = FirstDecimal(DicomTags.WindowWidth, "Window Width");
        if (center is null || width is null)
        {
            return null;
        }

        return width < 1
            ? throw Invalid($"Window Width (0028,1051) is {width.Value.ToString(CultureInfo.InvariantCulture)}; it must be at least 1")
            : new DicomWindow(center.Value, width.Value);
    }

    // LUT Descriptor: entries (0 means 65536), first mapped value (signed for signed pixels), bits per entry; the
    // data one 16-bit word an entry.
    private DicomVoiLut ReadVoiLut(bool signedPixels)
    {
        if (!walker.VoiLutValues.TryGetValue(DicomTags.LutDescriptor, out var descriptorRange) || descriptorRange.End.Value - descriptorRange.Start.Value != 6)
        {
            throw Invalid("VOI LUT Sequence (0028,3010) has no LUT Descriptor (0028,3002) of three values in its first item");
        }

        var descriptor = walker.Data.AsSpan(descriptorRange);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(descriptor) is var declared and > 0 ? declared : 65536;
        int firstMapped = signedPixels ? BinaryPrimitives.ReadInt16LittleEndian(descriptor[2..]) : BinaryPrimitives.ReadUInt16LittleEndian(descriptor[2..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[4..]);
        if (bits is < 8 or > 16)
        {
            throw Invalid($"VOI LUT Descriptor (0028,3002) declares {bits} bits per entry; 8 to 16 are read");
        }

        var data = walker.VoiLutValues.TryGetValue(DicomTags.LutData, out var dataRange) ? walker.Data.AsSpan(dataRange) : [];
        if (data.Length < count * 2)
        {
            throw Invalid($"VOI LUT Data (0028,3006) holds {data.Length:N0} bytes; its {count:N0} entries need {count * 2:N0}");
        }

        var entries = new ushort[count];
        for (var i = 0; i < count; i++)
        {
            entries[i] = BinaryPrimitives.ReadUInt16LittleEndian(data[(2 * i)..]);
        }

        return new DicomVoiLut(firstMapped, bits, entries);
    }

    private DicomPixelSpacing? ReadSpacing(uint tag, string attribute)
    {
        var values = Decimals(tag, attribute);
        if (values.Count == 0)
        {
            return null;
        }

        if (values.Count != 2 || values[0] <= 0 || values[1] <= 0)
        {
            throw Invalid($"{attribute} {DicomTags.Format(tag)} is '{Text(tag)}'; two positive millimetre values (row\\column) are needed");
        }

        return new DicomPixelSpacing(values[0], values[1], attribute);
    }

    private int RequiredUnsigned(uint tag, string attribute) =>
        OptionalUnsigned(tag, attribute) ?? throw Invalid($"no {attribute} {DicomTags.Format(tag)}");

    // US in every transfer syntax read here (little endian); a multi-valued one gives its first value.
    private int? OptionalUnsigned(uint tag, string attribute)
    {
        if (!walker.Values.TryGetValue(tag, out var range))
        {
            return null;
        }

        var value = walker.Data.AsSpan(range);
        return value.Length >= 2
            ? BinaryPrimitives.ReadUInt16LittleEndian(value)
            : throw Invalid($"{attribute} {DicomTags.Format(tag)} holds {value.Length} byte(s); an unsigned short needs 2");
    }

    private int? FirstInteger(uint tag, string attribute)
    {
        var text = FirstValue(tag);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Invalid($"{attribute} {DicomTags.Format(tag)} is '{text}', not an integer");
    }

    private double? FirstDecimal(uint tag, string attribute)
    {
        var values = Decimals(tag, attribute);
        return values.Count > 0 ? values[0] : null;
    }

    private List<double> Decimals(uint tag, string attribute)
    {
        var text = Text(tag);
        var values = new List<double>();
        if (text.Length == 0)
        {
            return values;
        }

        foreach (var part in text.Split('\\'))
        {
            if (!double.TryParse(part.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw Invalid($"{attribute} {DicomTags.Format(tag)} is '{text}', not a decimal number");
            }

            values.Add(value);
        }

        return values;
    }

    private string? FirstValue(uint tag)
    {
        var text = Text(tag);
        return text.Length == 0 ? null : text.Split('\\')[0].Trim();
    }

    private string Text(uint tag) =>
        walker.Values.TryGetValue(tag, out var range) ? DecodeText(walker.Data.AsSpan(range), TextEncoding) : "";

    // ISO_IR 192 is UTF-8; everything else read here (ASCII names, UIDs, numbers) is safe as Latin-1.
    private Encoding TextEncoding =>
        walker.Values.TryGetValue(DicomTags.SpecificCharacterSet, out var range) &&
        Latin1.GetString(walker.Data.AsSpan(range)).Contains("ISO_IR 192", StringComparison.Ordinal)
            ? Encoding.UTF8
            : Latin1;

    private DicomReadException Invalid(string reason) => new(name, reason);
}
