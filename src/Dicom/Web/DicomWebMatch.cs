namespace SamMpa.Dicom.Web;

/// <summary>
/// One QIDO-RS match (a study, series or instance) in the DICOM JSON model: the attributes the product uses, empty
/// strings when the server did not return them, and every returned attribute's values as text.
/// </summary>
public sealed record DicomWebMatch
{
    public string StudyInstanceUid { get; init; } = "";

    public string SeriesInstanceUid { get; init; } = "";

    public string SopInstanceUid { get; init; } = "";

    public string SopClassUid { get; init; } = "";

    public string Modality { get; init; } = "";

    public string InstitutionName { get; init; } = "";

    public string Manufacturer { get; init; } = "";

    /// <summary>Number of Frames (0028,0008) of an instance; null when not returned (a single-frame image has none).</summary>
    public int? NumberOfFrames { get; init; }

    /// <summary>Every returned attribute (tag as eight upper-case hex digits) with its values as text; sequences are left out.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Attributes { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>The first value of <paramref name="tag"/> (eight hex digits), or an empty string.</summary>
    public string First(string tag) =>
        Attributes.TryGetValue(tag.ToUpperInvariant(), out var values) && values.Count > 0 ? values[0] : "";
}
