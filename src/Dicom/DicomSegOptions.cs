namespace SamMpa.Dicom;

/// <summary>
/// How segmentations are written as DICOM SEG: what the segment is (the target's name and code), the algorithm's
/// version, where new UIDs come from and the descriptive attributes of the series. Settable from configuration
/// (section "Dicom:Seg"); <see cref="Problems"/> names every unusable value.
/// </summary>
public sealed record DicomSegOptions
{
    public const string SectionName = "Dicom:Seg";

    /// <summary>The organisation's UID root new UIDs go under; empty for 2.25.&lt;UUID as an integer&gt; UIDs.</summary>
    public string UidRoot { get; init; } = "";

    /// <summary>The target's name: the Segment Label, e.g. "Left lung".</summary>
    public string TargetName { get; init; } = "";

    /// <summary>The target's code: the Segmented Property Type, e.g. SCT 44029006 "Left lung structure".</summary>
    public DicomCode TargetCode { get; init; } = new();

    /// <summary>The Segmented Property Category; SCT 91723000 "Anatomical structure" unless set.</summary>
    public DicomCode Category { get; init; } = DicomCode.AnatomicalStructure;

    /// <summary>The SAM-MPA version that made the masks (Algorithm Version, Software Versions).</summary>
    public string AlgorithmVersion { get; init; } = "";

    /// <summary>Content Label (CS: upper-case letters, digits, space, underscore; 16 at most).</summary>
    public string ContentLabel { get; init; } = "SAMMPA";

    /// <summary>Content Description; empty means "SAM-MPA segmentation of &lt;target&gt;".</summary>
    public string ContentDescription { get; init; } = "";

    /// <summary>Content Creator's Name (PN: family^given).</summary>
    public string ContentCreatorName { get; init; } = "SAM-MPA^Cluster";

    public string SeriesDescription { get; init; } = "SAM-MPA segmentation";

    public int SeriesNumber { get; init; } = 9001;

    /// <summary>Device Serial Number of the Enhanced General Equipment module (type 1: something must be written).</summary>
    public string DeviceSerialNumber { get; init; } = "1";

    /// <summary>Every value that cannot be written, each naming its setting; empty when all can.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!string.IsNullOrEmpty(UidRoot) && DicomUidGenerator.CheckRoot(UidRoot) is { } rootProblem)
        {
            problems.Add($"{SectionName}:UidRoot: {rootProblem}");
        }

        Check(problems, nameof(TargetName), TargetName, "LO");
        problems.AddRange(TargetCode.Problems($"{SectionName}:{nameof(TargetCode)}"));
        problems.AddRange(Category.Problems($"{SectionName}:{nameof(Category)}"));
        Check(problems, nameof(AlgorithmVersion), AlgorithmVersion, "LO");
        Check(problems, nameof(ContentLabel), ContentLabel, "CS");
        Check(problems, nameof(ContentCreatorName), ContentCreatorName, "PN");
        Check(problems, nameof(DeviceSerialNumber), DeviceSerialNumber, "LO");
        if (DicomVr.CheckText("LO", ContentDescription) is { } descriptionProblem)
        {
            problems.Add($"{SectionName}:{nameof(ContentDescription)}: {descriptionProblem}");
        }

        if (DicomVr.CheckText("LO", SeriesDescription) is { } seriesProblem)
        {
            problems.Add($"{SectionName}:{nameof(SeriesDescription)}: {seriesProblem}");
        }

        if (SeriesNumber < 0)
        {
            problems.Add($"{SectionName}:{nameof(SeriesNumber)} is {SeriesNumber}; it must be 0 or more");
        }

        return problems;
    }

    // A required single value: not empty, and one value of its VR (a backslash would make it two).
    private static void Check(List<string> problems, string name, string value, string vr)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add($"{SectionName}:{name} is empty");
        }
        else if (value.Contains('\\', StringComparison.Ordinal))
        {
            problems.Add($"{SectionName}:{name} '{value}' holds a backslash, which DICOM reads as a second value");
        }
        else if (DicomVr.CheckText(vr, value) is { } problem)
        {
            problems.Add($"{SectionName}:{name}: {problem}");
        }
    }
}
