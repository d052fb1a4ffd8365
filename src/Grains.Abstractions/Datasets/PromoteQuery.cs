namespace SamMpa.Grains.Datasets;

/// <summary>
/// "Correct and promote": query <see cref="Image"/> becomes a support. With <see cref="Corrected"/> its annotation is the
/// person's correction (<c>datasets/{id}/corrections/{stem}.png</c>); without, its final mask of the last run as it is.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.PromoteQuery")]
public sealed record PromoteQuery
{
    [Id(0)]
    public required string Image { get; init; }

    [Id(1)]
    public bool Corrected { get; init; }
}
