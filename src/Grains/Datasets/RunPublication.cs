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
    /// <summary>Copies the run's masks into place and returns the outcomes naming the published blobs; report.json is gone until the caller writes it.</summary>
    public static async Task<IReadOnlyList<ImageOutcome>> PublishAsync(IBlobStore blobs, string dataset, IReadOnlyList<ImageOutcome> outcomes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(outcomes);
        await blobs.DeleteAsync(DatasetBlobLayout.Report(dataset), cancellationToken);
        var published = new ImageOutcome[outcomes.Count];
        var kept = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < outcomes.Count; i++)
        {
            var outcome = outcomes[i];
            var coarse = await CopyAsync(blobs, outcome.CoarseMaskBlob, DatasetBlobLayout.CoarseMask(dataset, outcome.Image), cancellationToken);
            var mask = await CopyAsync(blobs, outcome.MaskBlob, DatasetBlobLayout.FinalMask(dataset, outcome.Image), cancellationToken);
            kept.UnionWith(new[] { coarse, mask }.OfType<string>());
            published[i] = outcome with { CoarseMaskBlob = coarse, MaskBlob = mask };
        }

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

    /// <summary>Deletes every run's folder (the completed run's, copied, and any late writes of cancelled runs).</summary>
    public static async Task DeleteRunFoldersAsync(IBlobStore blobs, string dataset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        foreach (var name in await ListAsync(blobs, DatasetBlobLayout.RunsPrefix(dataset), cancellationToken))
        {
            await blobs.DeleteAsync(name, cancellationToken);
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

        var content = await blobs.ReadAsync(source, cancellationToken)
            ?? throw new InvalidOperationException($"{source}: the run's mask is missing; the run cannot be published.");
        await blobs.WriteAsync(target, content, cancellationToken);
        return target;
    }
}
