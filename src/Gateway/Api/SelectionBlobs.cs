using System.Text.Json;
using SamMpa.Storage;

namespace SamMpa.Gateway.Api;

/// <summary>
/// Reads what the dataset wrote beside its state (<c>images.json</c>, <c>selection.json</c>; see
/// <see cref="DatasetBlobLayout"/>) to tell how many queries each support serves (the queries whose atlases include
/// it) and each support's stratum.
/// </summary>
internal static class SelectionBlobs
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Each support's queries served and stratum by image name; empty when either file is missing (no selection yet).</summary>
    public static async Task<IReadOnlyDictionary<string, SupportServes>> SupportsAsync(IBlobStore blobs, string dataset, CancellationToken cancellationToken)
    {
        var images = await blobs.ReadAsync(DatasetBlobLayout.ImageList(dataset), cancellationToken);
        var selection = await blobs.ReadAsync(DatasetBlobLayout.Selection(dataset), cancellationToken);
        if (images is null || selection is null)
        {
            return new Dictionary<string, SupportServes>();
        }

        var names = JsonSerializer.Deserialize<List<string>>(images, Json) ?? [];
        var file = JsonSerializer.Deserialize<SelectionFile>(selection, Json);
        if (file?.Supports is null || file.Atlases is null)
        {
            return new Dictionary<string, SupportServes>();
        }

        // Queries only: a support's own entry is not a query it serves.
        var supports = file.Supports.ToHashSet();
        var queryAtlases = file.Atlases.Where((_, image) => !supports.Contains(image)).ToList();
        var strata = file.Strata is { } known && known.Count == names.Count ? known : null;
        return file.Supports
            .Where(index => index >= 0 && index < names.Count)
            .ToDictionary(
                index => names[index],
                index => new SupportServes(
                    queryAtlases.Count(atlases => atlases.Contains(index)),
                    strata is null ? null : strata[index].Length > 0 ? strata[index] : Grains.Datasets.DatasetReport.UnknownStratum),
                StringComparer.Ordinal);
    }

    private sealed record SelectionFile(List<int>? Supports, List<int[]>? Atlases, List<string>? Strata);
}

/// <summary>How many queries a support serves, and its stratum (null when the selection recorded none).</summary>
internal sealed record SupportServes(int Queries, string? Stratum);
