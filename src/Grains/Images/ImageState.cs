using SamMpa.Grains.Images;

namespace SamMpa.Grains.Images;

/// <summary>What an image grain persists: its embedding and the outcome of the last run it finished.</summary>
[GenerateSerializer]
[Alias("sammpa.ImageState")]
public sealed class ImageState
{
    [Id(0)]
    public EmbeddingOutcome? Embedding { get; set; }

    /// <summary>The run whose outcome is stored; a repeated call of that run returns it without work.</summary>
    [Id(1)]
    public string? RunId { get; set; }

    [Id(2)]
    public ImageOutcome? Outcome { get; set; }
}
