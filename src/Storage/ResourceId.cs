namespace SamMpa.Storage;

/// <summary>
/// Dataset and image ids become parts of blob names and file paths, so they are checked before they touch either:
/// letters, digits, '-', '_' and '.', 1 to 128 characters, not "." or "..", no path separators, no control characters.
/// </summary>
public static class ResourceId
{
    public const int MaxLength = 128;

    public static bool IsValid(string? id) => Problem(id) is null;

    /// <summary>Returns <paramref name="id"/>, or throws an <see cref="ArgumentException"/> that names the id and what is wrong.</summary>
    public static string Validate(string? id, string kind)
    {
        var problem = Problem(id);
        return problem is null ? id! : throw new ArgumentException($"{kind} id '{Printable(id)}' is not allowed: {problem}.");
    }

    private static string? Problem(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "it is empty";
        }

        if (id.Length > MaxLength)
        {
            return $"it is longer than {MaxLength} characters";
        }

        if (id is "." or "..")
        {
            return "it names a folder, not an item";
        }

        foreach (var c in id)
        {
            if (char.IsControl(c))
            {
                return "it contains a control character";
            }

            if (c is '/' or '\\')
            {
                return "it contains a path separator";
            }

            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.'))
            {
                return $"'{c}' is not a letter, digit, '-', '_' or '.'";
            }
        }

        return null;
    }

    // Control characters are shown escaped so the message itself stays one clean line.
    private static string Printable(string? id) =>
        id is null ? string.Empty : string.Concat(id.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}
