using System.Text.Json;
using SamMpa.Storage;

namespace SamMpa.Gateway.Api;

/// <summary>
/// Reads what the dataset wrote beside its state (<c>images.json</c>, <c>selection.json</c>; see
/// <see cref="DatasetBlobLayout"/>) to tell how many queries each support serves: the queries whose atlases include it.
/// </summary>
internal static class SelectionBlobs
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Queries served by image name; empty when either file is missing (no selection yet).</summary>
    public static async Task<IReadOnlyDictionary<string, int>> QueriesServedAsync(IBlobStore blobs, string dataset, CancellationToken cancellationToken)
    {
        var images = await blobs.ReadAsync(DatasetBlobLayout.ImageList(dataset), cancellationToken);
        var selection = await blobs.ReadAsync(DatasetBlobLayout.Selection(dataset), cancellationToken);
        if (images is null || selection is null)
        {
            return new Dictionary<string, int>();
        }

        var names = JsonSerializer.Deserialize<List<string>>(images, Json) ?? [];
        var file = JsonSerializer.Deserialize<SelectionFile>(selection, Json);
        if (file?.Supports is null || file.Atlases is null)
        {
            return new Dictionary<string, int>();
        }

        // Queries only: a support's own entry is not a query it serves.
        var supports = file.Supports.ToHashSet();
        var queryAtlases = file.Atlases.Where((_, image) => !supports.Contains(image)).ToList();
        return file.Supports
            .Where(index => index >= 0 && index < names.Count)
            .ToDictionary(index => names[index], index => queryAtlases.Count(atlases => atlases.Contains(index)), StringComparer.Ordinal);
    }

    private sealed record SelectionFile(List<int>? Supports, List<int[]>? Atlases);
}
