namespace SamMpa.Dicom;

/// <summary>
/// Where an instance comes from: its study, series and instance, and the site and scanner that made it (what the
/// product stratifies supports by). Absent attributes are empty strings, never null.
/// </summary>
public sealed record DicomProvenance
{
    public string StudyInstanceUid { get; init; } = "";

    public string SeriesInstanceUid { get; init; } = "";

    public string SopInstanceUid { get; init; } = "";

    public string SopClassUid { get; init; } = "";

    public string FrameOfReferenceUid { get; init; } = "";

    public string InstitutionName { get; init; } = "";

    public string Manufacturer { get; init; } = "";

    public string ManufacturerModelName { get; init; } = "";

    public string StationName { get; init; } = "";

    public string Modality { get; init; } = "";
}
