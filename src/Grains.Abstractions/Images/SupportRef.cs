namespace SamMpa.Grains.Images;

/// <summary>A support image and its annotation, by blob name.</summary>
[GenerateSerializer]
[Alias("sammpa.SupportRef")]
public sealed record SupportRef(
    [property: Id(0)] string Image,
    [property: Id(1)] string ImageBlob,
    [property: Id(2)] string AnnotationBlob);
