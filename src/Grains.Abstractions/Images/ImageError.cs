namespace SamMpa.Grains.Images;

/// <summary>Why one image failed, and in which stage (embed, register, segment).</summary>
[GenerateSerializer]
[Alias("sammpa.ImageError")]
public sealed record ImageError([property: Id(0)] string Stage, [property: Id(1)] string Reason);
