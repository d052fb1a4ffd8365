namespace SamMpa.Grains.Security;

/// <summary>A key just created: its <see cref="Secret"/> is shown this once; the cluster keeps only its SHA-256.</summary>
[GenerateSerializer]
[Alias("sammpa.CreatedAccessKey")]
public sealed record CreatedAccessKey
{
    [Id(0)]
    public required AccessKeyInfo Key { get; init; }

    [Id(1)]
    public required string Secret { get; init; }
}
