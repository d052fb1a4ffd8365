namespace SamMpa.Storage;

/// <summary>Checks blob names and folder prefixes: '/'-separated segments, each a valid <see cref="ResourceId"/>.</summary>
public static class BlobName
{
    public static string[] Segments(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var segments = name.Split('/');
        foreach (var segment in segments)
        {
            if (!ResourceId.IsValid(segment))
            {
                throw new ArgumentException($"Blob name '{name}' is not allowed: segment '{segment}' is not a valid id.");
            }
        }

        return segments;
    }

    /// <summary>The segments of a folder prefix such as "datasets/a/" (the trailing '/' is required; "" is the root).</summary>
    public static string[] PrefixSegments(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length == 0)
        {
            return [];
        }

        if (!prefix.EndsWith('/'))
        {
            throw new ArgumentException($"Blob prefix '{prefix}' must end with '/'.");
        }

        return Segments(prefix[..^1]);
    }
}
