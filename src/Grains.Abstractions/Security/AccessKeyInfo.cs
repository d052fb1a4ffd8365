namespace SamMpa.Grains.Security;

/// <summary>One access key as listed: never its secret, nor the secret's hash.</summary>
[GenerateSerializer]
[Alias("sammpa.AccessKeyInfo")]
public sealed record AccessKeyInfo
{
    [Id(0)]
    public required string Id { get; init; }

    [Id(1)]
    public required string Principal { get; init; }

    [Id(2)]
    public bool Admin { get; init; }

    [Id(3)]
    public DateTimeOffset Created { get; init; }

    [Id(4)]
    public bool Revoked { get; init; }

    /// <summary>The key may act on behalf of other principals (<see cref="CallerContext.OnBehalfOf"/>).</summary>
    [Id(5)]
    public bool Delegate { get; init; }
}
