namespace SamMpa.Reports;

/// <summary>
/// The queries a report pictures: the lowest Dice first (ties by image name, ordinal, so the choice is the same every
/// time), failed and unscored queries left out. The caller makes overlays for exactly these.
/// </summary>
public static class WorstQueries
{
    /// <summary>How many the report shows per run.</summary>
    public const int Count = 12;

    public static IReadOnlyList<ReportQuery> Of(IEnumerable<ReportQuery> queries, int count = Count)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return queries
            .Where(q => !q.Failed && q.Dice is { } dice && !double.IsNaN(dice))
            .OrderBy(q => q.Dice!.Value)
            .ThenBy(q => q.Image, StringComparer.Ordinal)
            .Take(count)
            .ToArray();
    }
}
