namespace SamMpa.Dicom;

/// <summary>
/// The Patient and General Study module attributes of an instance, as written (text, trimmed of padding), so an
/// object derived from it (a segmentation) belongs to the same patient and study. Absent attributes are empty strings.
/// </summary>
public sealed record DicomPatientStudy
{
    public string PatientName { get; init; } = "";

    public string PatientId { get; init; } = "";

    /// <summary>DA, YYYYMMDD.</summary>
    public string PatientBirthDate { get; init; } = "";

    /// <summary>M, F or O.</summary>
    public string PatientSex { get; init; } = "";

    /// <summary>DA, YYYYMMDD.</summary>
    public string StudyDate { get; init; } = "";

    /// <summary>TM, HHMMSS.FFFFFF.</summary>
    public string StudyTime { get; init; } = "";

    public string ReferringPhysicianName { get; init; } = "";

    public string StudyId { get; init; } = "";

    public string AccessionNumber { get; init; } = "";
}
