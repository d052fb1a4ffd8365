namespace SamMpa.Grains.Datasets;

/// <summary>One image that could not be processed, the stage it failed in and why.</summary>
[GenerateSerializer]
[Alias("sammpa.ImageFailure")]
public sealed record ImageFailure(
    [property: Id(0)] string Image,
    [property: Id(1)] string Stage,
    [property: Id(2)] string Reason);
