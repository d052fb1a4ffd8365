using SamMpa.Grains.Images;

namespace SamMpa.Grains.Workers;

/// <summary>Embeds images with the silo's encoder (SAM's when a SAM package is configured, else ResNet18). gpu silos.</summary>
[Alias("sammpa.IEmbeddingWorker")]
public interface IEmbeddingWorker : IGrainWithIntegerKey
{
    [Alias("Embed")]
    [ResponseTimeout(CallTimeouts.LongWork)]
    Task<EmbeddingOutcome> EmbedAsync(EmbeddingJob job, CancellationToken cancellationToken = default);
}

[GenerateSerializer]
[Alias("sammpa.EmbeddingJob")]
public sealed record EmbeddingJob(
    [property: Id(0)] string Dataset,
    [property: Id(1)] string Image,
    [property: Id(2)] string ImageBlob,
    [property: Id(3)] int WorkingSize);
