namespace SamMpa.Grains.Images;

/// <summary>Computes the image's embedding once (idempotent: the blob is written once, a repeat returns it).</summary>
[GenerateSerializer]
[Alias("sammpa.EmbedImage")]
public sealed record EmbedImage(
    [property: Id(0)] string ImageBlob,
    [property: Id(1)] int WorkingSize);
