namespace SamMpa.Dicom;

/// <summary>
/// A coded concept (PS3.3 Code Sequence Macro, 8.8): its code value, the coding scheme it comes from (SCT for SNOMED
/// CT, DCM for DICOM's own) and its meaning in words. Bindable from configuration.
/// </summary>
public sealed record DicomCode
{
    public string Value { get; init; } = "";

    public string Scheme { get; init; } = "";

    public string Meaning { get; init; } = "";

    /// <summary>SNOMED CT 91723000 "Anatomical structure": the category of an organ or other body part.</summary>
    public static DicomCode AnatomicalStructure => new() { Value = "91723000", Scheme = "SCT", Meaning = "Anatomical structure" };

    /// <summary>Why it cannot be written, each problem naming <paramref name="item"/>'s field; empty when it can.</summary>
    public IEnumerable<string> Problems(string item)
    {
        foreach (var (field, value, vr) in new[] { ("Value", Value, "SH"), ("Scheme", Scheme, "SH"), ("Meaning", Meaning, "LO") })
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                yield return $"{item}:{field} is empty";
            }
            else if (DicomVr.CheckText(vr, value) is { } problem)
            {
                yield return $"{item}:{field}: {problem}";
            }
        }
    }

    /// <summary>The code as a sequence item: Code Value, Coding Scheme Designator, Code Meaning.</summary>
    internal DicomOutputDataset ToItem() => new DicomOutputDataset()
        .Text(DicomSegTags.CodeValue, "SH", Value)
        .Text(DicomSegTags.CodingSchemeDesignator, "SH", Scheme)
        .Text(DicomSegTags.CodeMeaning, "LO", Meaning);
}
