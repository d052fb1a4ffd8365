using System.Globalization;
using System.Text;

namespace SamMpa.Dicom.Web;

/// <summary>
/// A QIDO-RS search: attribute matches (a keyword such as InstitutionName, or a tag as eight hex digits), the extra
/// attributes to return (includefield), and a page (limit, offset). Values go to the server as given, so DICOM
/// wildcards (* and ?) work where the server supports them.
/// </summary>
public sealed record DicomWebQuery
{
    /// <summary>Attribute and value pairs every match must have.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Matches { get; init; } = [];

    /// <summary>Attributes to return beyond the server's defaults (the client adds those <see cref="DicomWebMatch"/> reads).</summary>
    public IReadOnlyList<string> IncludeFields { get; init; } = [];

    /// <summary>At most this many matches; null for the server's default.</summary>
    public int? Limit { get; init; }

    /// <summary>Skip this many matches first (paging); null for none.</summary>
    public int? Offset { get; init; }

    /// <summary>A query matching <paramref name="attribute"/> to <paramref name="value"/>.</summary>
    public static DicomWebQuery Where(string attribute, string value) => new DicomWebQuery().And(attribute, value);

    /// <summary>This query with one more match.</summary>
    public DicomWebQuery And(string attribute, string value) => this with { Matches = [.. Matches, new(attribute, value)] };

    /// <summary>This query for one page: <paramref name="limit"/> matches after the first <paramref name="offset"/>.</summary>
    public DicomWebQuery Page(int limit, int offset) => this with { Limit = limit, Offset = offset };

    /// <summary>Every part that cannot be sent, naming it; empty when all can.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var (attribute, value) in Matches)
        {
            if (!IsAttributeName(attribute))
            {
                problems.Add($"match attribute '{attribute}' is neither a DICOM keyword nor a tag of eight hex digits");
            }

            if (value is null)
            {
                problems.Add($"match attribute '{attribute}' has no value (null)");
            }
        }

        foreach (var field in IncludeFields)
        {
            if (!IsAttributeName(field) && field != "all")
            {
                problems.Add($"includefield '{field}' is neither a DICOM keyword, a tag of eight hex digits nor 'all'");
            }
        }

        if (Limit is < 1)
        {
            problems.Add($"limit {Limit} must be at least 1");
        }

        if (Offset is < 0)
        {
            problems.Add($"offset {Offset} must not be negative");
        }

        return problems;
    }

    /// <summary>The query string (without '?'), with <paramref name="includeFields"/> added to the query's own.</summary>
    internal string ToQueryString(IEnumerable<string> includeFields)
    {
        var parts = new List<string>();
        foreach (var (attribute, value) in Matches)
        {
            parts.Add($"{attribute}={EscapeValue(value)}");
        }

        foreach (var field in IncludeFields.Concat(includeFields).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            parts.Add($"includefield={field}");
        }

        if (Limit is { } limit)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"limit={limit}"));
        }

        if (Offset is { } offset)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"offset={offset}"));
        }

        return string.Join('&', parts);
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (attribute, value) in Matches)
        {
            text.Append(text.Length == 0 ? "" : ", ").Append(attribute).Append('=').Append(value);
        }

        return text.Length == 0 ? "all" : text.ToString();
    }

    // Only what a query value cannot hold is escaped (RFC 3986 3.4): the DICOM wildcards * and ? and other
    // punctuation stay as they are, since some servers (Orthanc 1.10) do not decode percent-escapes in QIDO values.
    private static string EscapeValue(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            var c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || "-._~!$'()*,;:@/?".Contains(c, StringComparison.Ordinal))
            {
                escaped.Append(c);
            }
            else
            {
                escaped.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return escaped.ToString();
    }

    private static bool IsAttributeName(string name) =>
        !string.IsNullOrEmpty(name) &&
        ((name.Length == 8 && name.All(char.IsAsciiHexDigit)) || (char.IsAsciiLetterUpper(name[0]) && name.All(char.IsAsciiLetterOrDigit)));
}
