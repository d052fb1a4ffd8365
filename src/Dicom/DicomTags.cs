namespace SamMpa.Dicom;

/// <summary>The attributes the reader uses, as (group &lt;&lt; 16) | element, with the VR their implicit-VR encoding implies.</summary>
internal static class DicomTags
{
    public const uint TransferSyntaxUid = 0x0002_0010;
    public const uint SpecificCharacterSet = 0x0008_0005;
    public const uint SopClassUid = 0x0008_0016;
    public const uint SopInstanceUid = 0x0008_0018;
    public const uint StudyDate = 0x0008_0020;
    public const uint StudyTime = 0x0008_0030;
    public const uint AccessionNumber = 0x0008_0050;
    public const uint Modality = 0x0008_0060;
    public const uint Manufacturer = 0x0008_0070;
    public const uint InstitutionName = 0x0008_0080;
    public const uint ReferringPhysicianName = 0x0008_0090;
    public const uint StationName = 0x0008_1010;
    public const uint ManufacturerModelName = 0x0008_1090;
    public const uint PatientName = 0x0010_0010;
    public const uint PatientId = 0x0010_0020;
    public const uint PatientBirthDate = 0x0010_0030;
    public const uint PatientSex = 0x0010_0040;
    public const uint SliceThickness = 0x0018_0050;
    public const uint ImagerPixelSpacing = 0x0018_1164;
    public const uint StudyInstanceUid = 0x0020_000D;
    public const uint SeriesInstanceUid = 0x0020_000E;
    public const uint StudyId = 0x0020_0010;
    public const uint ImagePositionPatient = 0x0020_0032;
    public const uint ImageOrientationPatient = 0x0020_0037;
    public const uint FrameOfReferenceUid = 0x0020_0052;
    public const uint SamplesPerPixel = 0x0028_0002;
    public const uint PhotometricInterpretation = 0x0028_0004;
    public const uint NumberOfFrames = 0x0028_0008;
    public const uint Rows = 0x0028_0010;
    public const uint Columns = 0x0028_0011;
    public const uint PixelSpacing = 0x0028_0030;
    public const uint BitsAllocated = 0x0028_0100;
    public const uint BitsStored = 0x0028_0101;
    public const uint HighBit = 0x0028_0102;
    public const uint PixelRepresentation = 0x0028_0103;
    public const uint WindowCenter = 0x0028_1050;
    public const uint WindowWidth = 0x0028_1051;
    public const uint RescaleIntercept = 0x0028_1052;
    public const uint RescaleSlope = 0x0028_1053;
    public const uint LutDescriptor = 0x0028_3002;
    public const uint LutData = 0x0028_3006;
    public const uint VoiLutSequence = 0x0028_3010;
    public const uint PixelData = 0x7FE0_0010;

    public const uint Item = 0xFFFE_E000;
    public const uint ItemDelimitation = 0xFFFE_E00D;
    public const uint SequenceDelimitation = 0xFFFE_E0DD;

    /// <summary>Top-level attributes whose values the reader keeps.</summary>
    public static readonly IReadOnlySet<uint> Kept = new HashSet<uint>
    {
        SpecificCharacterSet, SopClassUid, SopInstanceUid, Modality, Manufacturer, InstitutionName, StationName,
        ManufacturerModelName, ImagerPixelSpacing, StudyInstanceUid, SeriesInstanceUid, FrameOfReferenceUid,
        SamplesPerPixel, PhotometricInterpretation, NumberOfFrames, Rows, Columns, PixelSpacing, BitsAllocated,
        BitsStored, HighBit, PixelRepresentation, WindowCenter, WindowWidth, RescaleIntercept, RescaleSlope,
        StudyDate, StudyTime, AccessionNumber, ReferringPhysicianName, PatientName, PatientId, PatientBirthDate,
        PatientSex, StudyId, ImagePositionPatient, ImageOrientationPatient, SliceThickness,
    };

    public static string Format(uint tag) => $"({tag >> 16:X4},{tag & 0xFFFF:X4})";
}
