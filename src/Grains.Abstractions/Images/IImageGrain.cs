namespace SamMpa.Grains.Images;

/// <summary>
/// One image of a dataset (key <c>{dataset}/{image}</c>, see <see cref="ImageKey"/>): its embedding, coarse mask and
/// final mask, each written to blob storage once. The heavy work runs in stateless workers on silos of the right role.
/// </summary>
[Alias("sammpa.IImageGrain")]
public interface IImageGrain : IGrainWithStringKey
{
    [Alias("Embed")]
    Task<EmbeddingOutcome> EmbedAsync(EmbedImage request);

    [Alias("Segment")]
    Task<ImageOutcome> SegmentAsync(SegmentImage request);
}
