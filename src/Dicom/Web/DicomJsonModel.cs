using System.Globalization;
using System.Text.Json;

namespace SamMpa.Dicom.Web;

/// <summary>
/// Reads the DICOM JSON model (PS3.18 F.2): objects keyed by tag (eight hex digits), each attribute with its "vr" and
/// a "Value" array of strings, numbers, person names ({"Alphabetic": ...}) or, for sequences, items (objects).
/// </summary>
internal static class DicomJsonModel
{
    public const string StudyInstanceUid = "0020000D";
    public const string SeriesInstanceUid = "0020000E";
    public const string SopInstanceUid = "00080018";
    public const string SopClassUid = "00080016";
    public const string Modality = "00080060";
    public const string InstitutionName = "00080080";
    public const string Manufacturer = "00080070";
    public const string NumberOfFrames = "00280008";
    public const string ReferencedSopSequence = "00081199";
    public const string FailedSopSequence = "00081198";
    public const string ReferencedSopClassUid = "00081150";
    public const string ReferencedSopInstanceUid = "00081155";
    public const string FailureReason = "00081197";

    /// <summary>The matches of a QIDO-RS answer: a JSON array of DICOM JSON objects.</summary>
    /// <exception cref="FormatException">Not an array of objects, or an attribute that is not DICOM JSON.</exception>
    public static IReadOnlyList<DicomWebMatch> ReadMatches(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"expected a JSON array of matches, found {root.ValueKind}");
        }

        var matches = new List<DicomWebMatch>(root.GetArrayLength());
        foreach (var item in root.EnumerateArray())
        {
            matches.Add(ReadMatch(item));
        }

        return matches;
    }

    public static DicomWebMatch ReadMatch(JsonElement dataset)
    {
        var attributes = ReadAttributes(dataset);
        string First(string tag) => attributes.TryGetValue(tag, out var values) && values.Count > 0 ? values[0] : "";
        var frames = First(NumberOfFrames);
        return new DicomWebMatch
        {
            StudyInstanceUid = First(StudyInstanceUid),
            SeriesInstanceUid = First(SeriesInstanceUid),
            SopInstanceUid = First(SopInstanceUid),
            SopClassUid = First(SopClassUid),
            Modality = First(Modality),
            InstitutionName = First(InstitutionName),
            Manufacturer = First(Manufacturer),
            NumberOfFrames = frames.Length == 0 ? null
                : int.TryParse(frames, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count
                : throw new FormatException($"Number of Frames (0028,0008) '{frames}' is not an integer"),
            Attributes = attributes,
        };
    }

    /// <summary>Every non-sequence attribute of one DICOM JSON object, its values as text (tags upper-case).</summary>
    public static Dictionary<string, IReadOnlyList<string>> ReadAttributes(JsonElement dataset)
    {
        if (dataset.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"expected a DICOM JSON object, found {dataset.ValueKind}");
        }

        var attributes = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var attribute in dataset.EnumerateObject())
        {
            var tag = CheckTag(attribute.Name);
            if (attribute.Value.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException($"attribute {tag} is {attribute.Value.ValueKind}, not an object with \"vr\" and \"Value\"");
            }

            if (IsSequence(attribute.Value) || !attribute.Value.TryGetProperty("Value", out var value))
            {
                continue;
            }

            attributes[tag] = ReadValues(tag, value);
        }

        return attributes;
    }

    /// <summary>The items of the sequence <paramref name="tag"/> in <paramref name="dataset"/>; none when absent or empty.</summary>
    public static IReadOnlyList<JsonElement> ReadSequence(JsonElement dataset, string tag)
    {
        if (dataset.ValueKind != JsonValueKind.Object ||
            !dataset.TryGetProperty(tag, out var attribute) ||
            attribute.ValueKind != JsonValueKind.Object ||
            !attribute.TryGetProperty("Value", out var items))
        {
            return [];
        }

        if (items.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"sequence {tag}'s Value is {items.ValueKind}, not an array of items");
        }

        return [.. items.EnumerateArray()];
    }

    private static bool IsSequence(JsonElement attribute) =>
        attribute.TryGetProperty("vr", out var vr) && vr.ValueKind == JsonValueKind.String && vr.ValueEquals("SQ");

    private static string CheckTag(string name) =>
        name.Length == 8 && name.All(char.IsAsciiHexDigit)
            ? name.ToUpperInvariant()
            : throw new FormatException($"'{name}' is not a DICOM JSON attribute tag (eight hex digits)");

    private static IReadOnlyList<string> ReadValues(string tag, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"attribute {tag}'s Value is {value.ValueKind}, not an array");
        }

        var values = new List<string>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            values.Add(item.ValueKind switch
            {
                JsonValueKind.String => item.GetString() ?? "",
                JsonValueKind.Number => item.GetRawText(), // IS, DS, US, FD...: kept as the server wrote it
                JsonValueKind.Null => "",
                JsonValueKind.Object when item.TryGetProperty("Alphabetic", out var name) && name.ValueKind == JsonValueKind.String => name.GetString() ?? "",
                JsonValueKind.Object => "", // a person name without an alphabetic group
                _ => throw new FormatException($"attribute {tag} has a value of kind {item.ValueKind}"),
            });
        }

        return values;
    }
}
