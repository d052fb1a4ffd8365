using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace SamMpa.Dicom;

/// <summary>
/// New UIDs: under an organisation's root, the root then a random decimal component filling the 64 characters a UID
/// may have; without one, 2.25 and a random UUID as one unsigned integer (PS3.5 B.2).
/// </summary>
internal sealed class DicomUidGenerator
{
    public const int MaxLength = 64;

    /// <summary>Random digits a root must leave room for: about 76 bits, so collisions stay out of reach.</summary>
    public const int MinRandomDigits = 23;

    private readonly string? _root;

    /// <param name="root">An organisation's UID root, or null/empty for 2.25 UUID-derived UIDs; check it with <see cref="CheckRoot"/>.</param>
    public DicomUidGenerator(string? root)
    {
        _root = string.IsNullOrEmpty(root) ? null : root;
        if (_root is not null && CheckRoot(_root) is { } problem)
        {
            throw new ArgumentException(problem, nameof(root));
        }
    }

    public string NewUid()
    {
        if (_root is null)
        {
            return "2.25." + new BigInteger(Guid.NewGuid().ToByteArray(), isUnsigned: true).ToString(CultureInfo.InvariantCulture);
        }

        var digits = MaxLength - _root.Length - 1;
        Span<char> component = stackalloc char[digits];
        component[0] = (char)('1' + RandomNumberGenerator.GetInt32(9)); // a component has no leading zero
        for (var i = 1; i < digits; i++)
        {
            component[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return $"{_root}.{component}";
    }

    /// <summary>Why <paramref name="root"/> cannot be a UID root, or null when it can.</summary>
    public static string? CheckRoot(string root)
    {
        if (root.Length > MaxLength - 1 - MinRandomDigits)
        {
            return $"'{root}' is {root.Length} characters; a UID root may have at most {MaxLength - 1 - MinRandomDigits}, to leave {MinRandomDigits} digits for the unique part of a 64-character UID";
        }

        foreach (var component in root.Split('.'))
        {
            if (component.Length == 0 || !component.All(char.IsAsciiDigit) || (component.Length > 1 && component[0] == '0'))
            {
                return $"'{root}' is not a UID root: components of digits separated by dots, none empty, none with a leading zero";
            }
        }

        return null;
    }
}
