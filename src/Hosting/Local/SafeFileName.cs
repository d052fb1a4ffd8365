using System.Security.Cryptography;
using System.Text;

namespace SamMpa.Hosting.Local;

/// <summary>
/// Turns an arbitrary string (a grain id, a state name) into one file-name segment that is safe on every common file
/// system and distinct for distinct inputs. The UTF-8 bytes of the input are percent-encoded except lowercase ASCII
/// letters, digits, '-', '_' and '.', so the result never contains a path separator, never reads "." or "..", and
/// <see cref="Uri.UnescapeDataString(string)"/> gives the input back. Uppercase letters are encoded too, so two ids
/// that differ only in case ("Liver", "liver") stay two files on case-insensitive file systems (Windows, macOS).
/// A '.' at either end is encoded (no hidden files, no trailing dots that Windows strips), as is the first letter of
/// a Windows device name (CON, NUL, COM1, ...).
/// </summary>
/// <remarks>
/// An encoded name longer than <see cref="MaxLength"/> characters is cut and followed by '~' and the SHA-256 of the
/// input. '~' never occurs in an encoded name, so a shortened name cannot equal a plain one; such a name is no longer
/// reversible, which is why the grain storage also records the full key inside each file.
/// </remarks>
internal static class SafeFileName
{
    /// <summary>Longest name returned; well below the 255-byte limit of common file systems, leaving room for suffixes.</summary>
    public const int MaxLength = 200;

    private const int KeptPrefixWhenHashed = MaxLength - 1 - 64 - 15;

    private static readonly string[] DeviceNames =
    [
        "con", "prn", "aux", "nul",
        "com0", "com1", "com2", "com3", "com4", "com5", "com6", "com7", "com8", "com9",
        "lpt0", "lpt1", "lpt2", "lpt3", "lpt4", "lpt5", "lpt6", "lpt7", "lpt8", "lpt9",
    ];

    public static string Escape(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        var bytes = Encoding.UTF8.GetBytes(value);
        var builder = new StringBuilder(bytes.Length + 8);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var atEnd = i == 0 || i == bytes.Length - 1;
            if (IsKept(b) && !(b == (byte)'.' && atEnd))
            {
                builder.Append((char)b);
            }
            else
            {
                AppendEncoded(builder, b);
            }
        }

        if (IsDeviceName(builder))
        {
            var first = (byte)builder[0];
            builder.Remove(0, 1);
            builder.Insert(0, $"%{first:X2}");
        }

        return builder.Length <= MaxLength ? builder.ToString() : Shorten(builder.ToString(), bytes);
    }

    private static bool IsKept(byte b) => b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.';

    private static void AppendEncoded(StringBuilder builder, byte b) => builder.Append('%').Append(b.ToString("X2"));

    // Windows reserves these names with any extension ("nul.bin" too). Encoded names hold only lowercase letters.
    private static bool IsDeviceName(StringBuilder name)
    {
        var text = name.ToString();
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var stem = dot < 0 ? text : text[..dot];
        return DeviceNames.Contains(stem, StringComparer.Ordinal);
    }

    private static string Shorten(string encoded, byte[] input)
    {
        var cut = KeptPrefixWhenHashed;
        // Never split a %XX escape.
        if (encoded[cut - 1] == '%')
        {
            cut -= 1;
        }
        else if (encoded[cut - 2] == '%')
        {
            cut -= 2;
        }

        return $"{encoded[..cut]}~{Convert.ToHexStringLower(SHA256.HashData(input))}";
    }
}
