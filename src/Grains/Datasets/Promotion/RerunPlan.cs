using SamMpa.Grains.Datasets.Files;

namespace SamMpa.Grains.Datasets.Promotion;

/// <summary>
/// Which queries a promotion sends back to segmentation: those whose atlases (the nearest supports they are registered
/// to, as many as the run used) differ between the selection before and after it, and those that failed. Every other
/// query keeps its outcome from the last run. Promotions add up: a plan made before is widened, never narrowed.
/// </summary>
public static class RerunPlan
{
    /// <summary>Queries (indexes into the image list) whose first <paramref name="atlases"/> atlases differ between the selections.</summary>
    public static IReadOnlyList<int> Changed(IReadOnlyList<int[]> before, IReadOnlyList<int[]> after, IEnumerable<int> queries, int atlases)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        ArgumentNullException.ThrowIfNull(queries);
        if (before.Count != after.Count)
        {
            throw new ArgumentException($"The selections list {before.Count} and {after.Count} images; they must be of one dataset.", nameof(after));
        }

        var used = Math.Max(1, atlases);
        return queries
            .Where(i => !before[i].AsSpan(0, Math.Min(used, before[i].Length)).SequenceEqual(after[i].AsSpan(0, Math.Min(used, after[i].Length))))
            .Order()
            .ToArray();
    }

    /// <summary>
    /// The plan after promoting <paramref name="promoted"/>: the earlier plan's queries (or none, from the last run's
    /// report) plus <paramref name="changed"/> and the failed ones, without the promoted image; the kept outcomes are the
    /// others.
    /// </summary>
    public static RerunFile Extend(RerunFile earlier, string promoted, IReadOnlyList<string> images, IEnumerable<int> changed)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(changed);
        var index = images.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var promotedIndex = index[promoted];
        var rerun = earlier.Queries.Concat(changed)
            .Concat(earlier.Kept.Where(e => e.Error is not null).Select(e => index[e.Image]))
            .Where(i => i != promotedIndex)
            .ToHashSet();
        var kept = earlier.Kept.Where(e => e.Image != promoted && !rerun.Contains(index[e.Image])).ToArray();
        return new RerunFile(earlier.BaseRunId, [.. earlier.Promoted, promoted], rerun.Order().ToArray(), kept);
    }
}
