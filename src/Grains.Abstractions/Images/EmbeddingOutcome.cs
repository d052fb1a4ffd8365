namespace SamMpa.Grains.Images;

[GenerateSerializer]
[Alias("sammpa.EmbeddingOutcome")]
public sealed record EmbeddingOutcome
{
    [Id(0)]
    public string? EmbeddingBlob { get; init; }

    /// <summary>Id of the encoder (its model and preprocessing); embeddings of different encoders never mix.</summary>
    [Id(1)]
    public string? Encoder { get; init; }

    [Id(2)]
    public int Dimension { get; init; }

    [Id(3)]
    public double Seconds { get; init; }

    [Id(4)]
    public ImageError? Error { get; init; }

    /// <summary>The image's dense feature map (localisation), written with the embedding.</summary>
    [Id(5)]
    public string? FeatureBlob { get; init; }

    /// <summary>Id of the dense feature extractor (model, layers, input size); part of the feature blob's name.</summary>
    [Id(6)]
    public string? FeatureExtractor { get; init; }
}
