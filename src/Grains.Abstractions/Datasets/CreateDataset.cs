namespace SamMpa.Grains.Datasets;

/// <summary>
/// Creates a dataset over images already in blob storage: under <see cref="ImagePrefix"/> (default
/// <c>datasets/{id}/images/</c>), either every blob there or the listed <see cref="Images"/>.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.CreateDataset")]
public sealed record CreateDataset
{
    /// <summary>Folder of the images, ending in '/'; null for the dataset's own <c>datasets/{id}/images/</c>.</summary>
    [Id(0)]
    public string? ImagePrefix { get; init; }

    /// <summary>Image names under the prefix; null for every blob there.</summary>
    [Id(1)]
    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>Folder of ground-truth masks named like the images, for scoring (Dice); null when there is none.</summary>
    [Id(2)]
    public string? TruthPrefix { get; init; }

    /// <summary>Longest side of the working grid that embedding and registration see.</summary>
    [Id(3)]
    public int WorkingSize { get; init; } = 256;
}
