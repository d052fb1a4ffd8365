using System.Security.Cryptography;
using SamMpa.Imaging.Evaluation;
using SamMpa.Storage;

namespace SamMpa.Client.Cluster;

/// <summary>
/// What a folder would upload into a dataset id (image and ground-truth blobs with their local files), compared by
/// content hash with what the id already holds: an id holds one set of images, so a different folder is refused
/// (naming the first differing file) before anything is written, or goes to a new version of the id on request.
/// </summary>
internal static class DatasetContent
{
    /// <summary>Versions tried by <see cref="FreeVersionAsync"/> before giving up (each costs a listing).</summary>
    public const int MaxVersions = 1000;

    /// <summary>The blobs for dataset <paramref name="dataset"/>: images by file name, ground truth by the image's mask name.</summary>
    public static (string Path, string Blob)[] Items(string dataset, IReadOnlyList<string> imagePaths, IReadOnlyDictionary<string, string>? truthByImage)
    {
        ArgumentNullException.ThrowIfNull(imagePaths);
        foreach (var path in imagePaths)
        {
            ResourceId.Validate(Path.GetFileName(path), "image");
        }

        return imagePaths.Select(p => (Path: p, Blob: DatasetBlobLayout.Image(dataset, Path.GetFileName(p))))
            .Concat(truthByImage?.Select(t => (Path: t.Value, Blob: DatasetBlobLayout.Truth(dataset, t.Key))) ?? [])
            .ToArray();
    }

    /// <summary>
    /// Null when <paramref name="dataset"/> holds no images yet or exactly these files; otherwise why not, naming the
    /// first differing file in blob-name order (a file whose content differs, a file the id lacks, or a blob of the id
    /// the folder lacks).
    /// </summary>
    public static async Task<string?> FirstDifferenceAsync(
        IBlobStore blobs, string dataset, IReadOnlyList<string> imagePaths, IReadOnlyDictionary<string, string>? truthByImage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var items = Items(dataset, imagePaths, truthByImage);
        var present = new List<string>();
        await foreach (var name in blobs.ListAsync(DatasetBlobLayout.ImagesPrefix(dataset), cancellationToken))
        {
            present.Add(name);
        }

        if (present.Count == 0)
        {
            return null;
        }

        await foreach (var name in blobs.ListAsync(DatasetBlobLayout.TruthPrefix(dataset), cancellationToken))
        {
            present.Add(name);
        }

        var local = items.ToDictionary(i => i.Blob, i => i.Path, StringComparer.Ordinal);
        foreach (var blob in local.Keys.Union(present, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            if (!local.TryGetValue(blob, out var path))
            {
                return $"{blob} is in dataset '{dataset}' but not in the folder being ingested";
            }

            var stored = await blobs.ReadAsync(blob, cancellationToken);
            if (stored is null)
            {
                return $"{path} is not in dataset '{dataset}' (no {blob})";
            }

            var file = await File.ReadAllBytesAsync(path, cancellationToken);
            if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(stored), SHA256.HashData(file)))
            {
                return $"{path} differs from {blob} (SHA-256)";
            }
        }

        return null;
    }

    /// <summary>
    /// The dataset id these files go to with --new-version: <paramref name="dataset"/> itself when it is empty or holds
    /// them already, else the first of {dataset}-v2, -v3, ... that is empty or holds them (so repeating the ingest
    /// reuses its version).
    /// </summary>
    public static async Task<string> FreeVersionAsync(
        IBlobStore blobs, string dataset, IReadOnlyList<string> imagePaths, IReadOnlyDictionary<string, string>? truthByImage, CancellationToken cancellationToken)
    {
        for (var version = 1; version <= MaxVersions; version++)
        {
            var id = version == 1 ? dataset : ResourceId.Validate($"{dataset}-v{version}", "dataset");
            if (await FirstDifferenceAsync(blobs, id, imagePaths, truthByImage, cancellationToken) is null)
            {
                return id;
            }
        }

        throw new DatasetException($"Dataset '{dataset}': versions 2..{MaxVersions} all hold other files; use another dataset id.");
    }
}
