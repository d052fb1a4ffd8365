namespace SamMpa.Dicom;

/// <summary>
/// What the writer needs to know of a value representation (PS3.5 6.2): whether its explicit-VR header has a 32-bit
/// length, the byte that pads a value to even length, and the longest value (in characters) a text VR allows.
/// </summary>
internal static class DicomVr
{
    private static readonly HashSet<string> LongLength = ["OB", "OD", "OF", "OL", "OV", "OW", "SQ", "UC", "UR", "UT", "UN", "SV", "UV"];

    private static readonly Dictionary<string, int> MaxCharacters = new()
    {
        ["AE"] = 16, ["AS"] = 4, ["CS"] = 16, ["DA"] = 8, ["DS"] = 16, ["DT"] = 26, ["IS"] = 12, ["LO"] = 64,
        ["LT"] = 10240, ["PN"] = 64 * 3, ["SH"] = 16, ["ST"] = 1024, ["TM"] = 14, ["UI"] = 64,
    };

    // Text VRs whose value is one free text: a backslash there is a character, not a value separator.
    private static readonly HashSet<string> SingleText = ["LT", "ST", "UT"];

    public static bool HasLongLength(string vr) => LongLength.Contains(vr);

    /// <summary>UI pads with NUL, the binary VRs with 0, every other text VR with a space.</summary>
    public static byte PaddingOf(string vr) => vr is "UI" or "OB" or "OW" or "UN" ? (byte)0 : (byte)' ';

    /// <summary>Why <paramref name="value"/> cannot be the value of a <paramref name="vr"/> element, or null when it can.</summary>
    public static string? CheckText(string vr, string value)
    {
        var values = SingleText.Contains(vr) ? [value] : value.Split('\\');
        foreach (var single in values)
        {
            if (MaxCharacters.TryGetValue(vr, out var max) && single.Length > max)
            {
                return $"'{single}' is {single.Length} characters; {vr} allows at most {max}";
            }

            if (single.Any(c => char.IsControl(c) && !(SingleText.Contains(vr) && c is '\r' or '\n' or '\t')))
            {
                return $"'{single}' holds a control character, which {vr} does not allow";
            }

            var allowed = vr switch
            {
                "UI" => single.All(c => char.IsAsciiDigit(c) || c == '.'),
                "CS" => single.All(c => char.IsAsciiLetterUpper(c) || char.IsAsciiDigit(c) || c is ' ' or '_'),
                "DA" => single.All(char.IsAsciiDigit),
                "TM" => single.All(c => char.IsAsciiDigit(c) || c == '.'),
                "IS" or "DS" => single.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or '.' or 'e' or 'E' or ' '),
                _ => true,
            };

            if (!allowed)
            {
                return $"'{single}' holds characters {vr} does not allow";
            }
        }

        return null;
    }
}
