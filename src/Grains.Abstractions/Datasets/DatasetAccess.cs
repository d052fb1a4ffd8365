namespace SamMpa.Grains.Datasets;

/// <summary>
/// What <see cref="IDatasetGrain.RequireRoleAsync"/> answers once the caller's role is confirmed: whether the dataset
/// exists, and where its blobs are (so a client reading or writing them with its own storage credentials reads the
/// right folder).
/// </summary>
[GenerateSerializer]
[Alias("sammpa.DatasetAccess")]
public sealed record DatasetAccess
{
    /// <summary>False for an id not created yet: any key may create it (unless another principal reserved it), and there is nothing to read.</summary>
    [Id(0)]
    public bool Exists { get; init; }

    /// <summary>Folder of the dataset's images (ending in '/'); null when it does not exist.</summary>
    [Id(1)]
    public string? ImagePrefix { get; init; }

    /// <summary>Folder of its ground-truth masks; null when it has none.</summary>
    [Id(2)]
    public string? TruthPrefix { get; init; }

    /// <summary>The principal that created it (null for a dataset from before owners, or one not created): where its owner's webhooks are.</summary>
    [Id(3)]
    public string? Owner { get; init; }
}
