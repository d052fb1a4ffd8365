using SamMpa.Grains.Images;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// Makes a completed run's masks the dataset's: workers write under the run's own folder (a late write of a cancelled
/// run lands there, never on another run's masks), and only the dataset's job, one run at a time, copies them to
/// coarse/ and masks/. report.json is removed first and written after, so whenever it exists it names exactly the masks
/// in those folders; masks of images the run has none for (failed queries, images now supports) are deleted.
/// </summary>
internal static class RunPublication
{
    private const int CopiesInFlight = 16;

    /// <summary>Copies the run's masks into place and returns the outcomes naming the published blobs; report.json is gone until the caller writes it.</summary>
    public static async Task<IReadOnlyList<ImageOutcome>> PublishAsync(IBlobStore blobs, string dataset, IReadOnlyList<ImageOutcome> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(outcomes);
        await blobs.DeleteAsync(DatasetBlobLayout.Report(dataset), cancellationToken);
        var published = new ImageOutcome[outcomes.Count];
        // Copies are storage round trips, not CPU: several at once, so a large dataset is not published one mask at a time.
        await Parallel.ForEachAsync(
            Enumerable.Range(0, outcomes.Count),
            new ParallelOptions { MaxDegreeOfParallelism = CopiesInFlight, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var outcome = outcomes[i];
                var coarse = await CopyAsync(blobs, outcome.CoarseMaskBlob, DatasetBlobLayout.CoarseMask(dataset, outcome.Image), ct);
                var mask = await CopyAsync(blobs, outcome.MaskBlob, DatasetBlobLayout.FinalMask(dataset, outcome.Image), ct);
                published[i] = outcome with { CoarseMaskBlob = coarse, MaskBlob = mask };
            });
        var kept = new HashSet<string>(published.SelectMany(o => new[] { o.CoarseMaskBlob, o.MaskBlob }).OfType<string>(), StringComparer.Ordinal);

        foreach (var folder in new[] { "coarse/", "masks/" })
        {
            foreach (var name in await ListAsync(blobs, DatasetBlobLayout.Prefix(dataset) + folder, cancellationToken))
            {
                if (!kept.Contains(name))
                {
                    await blobs.DeleteAsync(name, cancellationToken);
                }
            }
        }

        return published;
    }

    /// <summary>
    /// Deletes every run's folder but <paramref name="keptRun"/>'s (late writes of cancelled runs, earlier runs): the
    /// published run's stays until the next run is published, because its ImageSegmented events name those blobs and a
    /// subscriber may read them after the run completed.
    /// </summary>
    public static async Task DeleteRunFoldersAsync(IBlobStore blobs, string dataset, string keptRun, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var kept = DatasetBlobLayout.RunsPrefix(dataset) + keptRun + "/";
        foreach (var name in await ListAsync(blobs, DatasetBlobLayout.RunsPrefix(dataset), cancellationToken))
        {
            if (!name.StartsWith(kept, StringComparison.Ordinal))
            {
                await blobs.DeleteAsync(name, cancellationToken);
            }
        }
    }

    /// <summary>The names first, then the deletes: a listing is not read while its folder changes.</summary>
    private static async Task<List<string>> ListAsync(IBlobStore blobs, string prefix, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        await foreach (var name in blobs.ListAsync(prefix, cancellationToken))
        {
            names.Add(name);
        }

        return names;
    }

    private static async Task<string?> CopyAsync(IBlobStore blobs, string? source, string target, CancellationToken cancellationToken)
    {
        if (source is null)
        {
            return null;
        }

        // An outcome a partial run kept names the dataset's mask already.
        if (source == target)
        {
            return target;
        }

        var content = await blobs.ReadAsync(source, cancellationToken)
            ?? throw new InvalidOperationException($"{source}: the run's mask is missing; the run cannot be published.");
        await blobs.WriteAsync(target, content, cancellationToken);
        return target;
    }
}
