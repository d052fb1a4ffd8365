using System.Globalization;
using System.Text;

namespace SamMpa.Reports;

/// <summary>
/// Text made safe for HTML and SVG (escaped for element content and quoted attributes alike) and numbers in the
/// invariant culture, so the same report renders to the same bytes on every machine.
/// </summary>
internal static class Markup
{
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().IndexOfAny("&<>\"'") < 0 && !HasControl(text))
        {
            return text;
        }

        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                // Control characters are not allowed in XML text; shown as a replacement character.
                _ when char.IsControl(c) && c is not '\n' and not '\t' => "\uFFFD",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    /// <summary>A number with <paramref name="decimals"/> decimals, "n/a" when missing or not a number.</summary>
    public static string Number(double? value, int decimals = 3) =>
        value is { } v && double.IsFinite(v) ? v.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) : "n/a";

    /// <summary>A coordinate for SVG: one decimal, invariant.</summary>
    public static string Coordinate(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static bool HasControl(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not '\n' and not '\t')
            {
                return true;
            }
        }

        return false;
    }
}
