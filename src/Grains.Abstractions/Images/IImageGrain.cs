namespace SamMpa.Grains.Images;

/// <summary>
/// One image of a dataset (key <c>{dataset}/{image}</c>, see <see cref="ImageKey"/>): its embedding, coarse mask and
/// final mask, each written to blob storage once. The heavy work runs in stateless workers on silos of the right role.
/// </summary>
[Alias("sammpa.IImageGrain")]
public interface IImageGrain : IGrainWithStringKey
{
    /// <summary>Embeds the image once; a repeat returns the stored outcome or joins the call in progress.</summary>
    [Alias("Embed")]
    [ResponseTimeout(Workers.CallTimeouts.LongWork)]
    Task<EmbeddingOutcome> EmbedAsync(EmbedImage request, CancellationToken cancellationToken = default);

    /// <summary>
    /// Segments the image in the request's run. A repeat returns the stored outcome or joins the work in progress;
    /// the work stops (its elastix killed) when every caller waiting on it has cancelled.
    /// </summary>
    [Alias("Segment")]
    [ResponseTimeout(Workers.CallTimeouts.LongWork)]
    Task<ImageOutcome> SegmentAsync(SegmentImage request, CancellationToken cancellationToken = default);
}
