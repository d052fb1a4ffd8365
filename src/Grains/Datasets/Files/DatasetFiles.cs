using System.Text.Json;
using System.Text.Json.Serialization;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets.Files;

/// <summary>
/// What a dataset keeps in blobs rather than in its grain state, so the state stays the same size for 10 images or
/// 10^5: the image list (written once at creation), which images could not be embedded (written when embedding ends)
/// and the selection (supports and every image's atlases, written per selection).
/// </summary>
public static class DatasetFiles
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static Task WriteImagesAsync(IBlobStore blobs, string dataset, IReadOnlyList<string> images, CancellationToken cancellationToken) =>
        blobs.WriteAsync(DatasetBlobLayout.ImageList(dataset), JsonSerializer.SerializeToUtf8Bytes(images, Json), cancellationToken);

    public static async Task<IReadOnlyList<string>> ReadImagesAsync(IBlobStore blobs, string dataset, int expectedCount, CancellationToken cancellationToken)
    {
        var images = await ReadAsync<List<string>>(blobs, DatasetBlobLayout.ImageList(dataset), cancellationToken);
        return images.Count == expectedCount
            ? images
            : throw new InvalidDataException($"{DatasetBlobLayout.ImageList(dataset)} lists {images.Count} images; the dataset has {expectedCount}.");
    }

    public static Task WriteEmbeddingAsync(IBlobStore blobs, string dataset, EmbeddingSummary summary, CancellationToken cancellationToken) =>
        blobs.WriteAsync(DatasetBlobLayout.EmbeddingSummary(dataset), JsonSerializer.SerializeToUtf8Bytes(summary, Json), cancellationToken);

    public static Task<EmbeddingSummary> ReadEmbeddingAsync(IBlobStore blobs, string dataset, CancellationToken cancellationToken) =>
        ReadAsync<EmbeddingSummary>(blobs, DatasetBlobLayout.EmbeddingSummary(dataset), cancellationToken);

    public static Task WriteSelectionAsync(IBlobStore blobs, string dataset, SelectionFile selection, CancellationToken cancellationToken) =>
        blobs.WriteAsync(DatasetBlobLayout.Selection(dataset), JsonSerializer.SerializeToUtf8Bytes(selection, Json), cancellationToken);

    public static Task<SelectionFile> ReadSelectionAsync(IBlobStore blobs, string dataset, CancellationToken cancellationToken) =>
        ReadAsync<SelectionFile>(blobs, DatasetBlobLayout.Selection(dataset), cancellationToken);

    public static Task<SelectionFile> ReadSelectionBeforePromotionAsync(IBlobStore blobs, string dataset, CancellationToken cancellationToken) =>
        ReadAsync<SelectionFile>(blobs, DatasetBlobLayout.SelectionBeforePromotion(dataset), cancellationToken);

    public static Task WriteRerunAsync(IBlobStore blobs, string dataset, RerunFile rerun, CancellationToken cancellationToken) =>
        blobs.WriteAsync(DatasetBlobLayout.Rerun(dataset), JsonSerializer.SerializeToUtf8Bytes(rerun, Json), cancellationToken);

    public static Task<RerunFile> ReadRerunAsync(IBlobStore blobs, string dataset, CancellationToken cancellationToken) =>
        ReadAsync<RerunFile>(blobs, DatasetBlobLayout.Rerun(dataset), cancellationToken);

    private static async Task<T> ReadAsync<T>(IBlobStore blobs, string name, CancellationToken cancellationToken)
    {
        var bytes = await blobs.ReadAsync(name, cancellationToken) ?? throw new InvalidDataException($"{name} is missing.");
        return JsonSerializer.Deserialize<T>(bytes, Json) ?? throw new InvalidDataException($"{name} is empty.");
    }
}

/// <summary>The images whose embedding failed (by index into the image list), each with its one-line reason.</summary>
public sealed record EmbeddingSummary(string Encoder, IReadOnlyList<EmbeddingFailure> Failed)
{
    public HashSet<int> FailedIndexes() => Failed.Select(f => f.Index).ToHashSet();
}

[GenerateSerializer]
[Alias("sammpa.EmbeddingFailure")]
public sealed record EmbeddingFailure(
    [property: Id(0)] int Index,
    [property: Id(1)] string Image,
    [property: Id(2)] string Reason,
    [property: Id(3)] string? DetailBlob);

/// <summary>
/// The supports (indexes into the image list) and, for every image, the supports registered to it (empty for a
/// support or an image without an embedding); and for every support (in <see cref="Supports"/>' order) the other
/// supports nearest first, its atlases when stage AUTO leaves it out (null in a selection made before AUTO existed).
/// When images have provenance (or the selection was stratified), <see cref="Strata"/> holds every image's value of
/// <see cref="StratumField"/> ("" unknown), and <see cref="Stratified"/> says whether supports were chosen per stratum.
/// </summary>
public sealed record SelectionFile(
    IReadOnlyList<int> Supports,
    IReadOnlyList<int[]> Atlases,
    IReadOnlyList<int[]>? LeftOutAtlases = null,
    string? StratumField = null,
    IReadOnlyList<string>? Strata = null,
    bool Stratified = false);

/// <summary>
/// What promotions left for the next run: the run whose outcomes it keeps (<see cref="BaseRunId"/>), the images
/// promoted since, the queries to segment again (indexes into the image list: their nearest supports changed, or they
/// failed) and the kept outcomes of every other query, as that run's report has them.
/// </summary>
public sealed record RerunFile(
    string BaseRunId,
    IReadOnlyList<string> Promoted,
    IReadOnlyList<int> Queries,
    IReadOnlyList<DatasetReport.Entry> Kept);
