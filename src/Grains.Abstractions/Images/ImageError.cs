namespace SamMpa.Grains.Images;

/// <summary>
/// Why one image failed, and in which stage (embed, register, segment). <see cref="Reason"/> is one bounded line
/// (statuses, events and the report stay small); the whole text, elastix's log lines included, is in
/// <see cref="DetailBlob"/> when there is more.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.ImageError")]
public sealed record ImageError(
    [property: Id(0)] string Stage,
    [property: Id(1)] string Reason,
    [property: Id(2)] string? DetailBlob = null)
{
    /// <summary>Longest <see cref="Reason"/> kept.</summary>
    public const int MaxReasonLength = 300;

    /// <summary>The first line of <paramref name="text"/>, cut to <see cref="MaxReasonLength"/> characters.</summary>
    public static string OneLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = text.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        if (end >= 0)
        {
            line = line[..end].TrimEnd();
        }

        return line.Length <= MaxReasonLength ? line.ToString() : string.Concat(line[..(MaxReasonLength - 3)], "...");
    }
}
