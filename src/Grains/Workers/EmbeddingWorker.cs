using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using SamMpa.Grains.Images;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Telemetry;
using SamMpa.Imaging.Images;

namespace SamMpa.Grains.Workers;

/// <summary>
/// Embeds one image and writes its dense feature map (<see cref="EmbeddingWriter"/>) on a gpu silo; an image that
/// cannot be embedded fails alone, with the reason. One activation per silo: the encoder already uses every core (or
/// the GPU).
/// </summary>
[StatelessWorker(1)]
[GpuPlacement]
internal sealed class EmbeddingWorker(EmbeddingWriter writer, SamMpaMetrics metrics, ILogger<EmbeddingWorker> logger)
    : Grain, IEmbeddingWorker
{
    public async Task<EmbeddingOutcome> EmbedAsync(EmbeddingJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SettingRanges.RequireWorkingSize(nameof(EmbeddingJob), job.WorkingSize);
        var clock = Stopwatch.StartNew();
        try
        {
            var outcome = await writer.WriteAsync(job, cancellationToken);
            metrics.ImageProcessed(StageNames.Embed, clock.Elapsed.TotalSeconds, ok: true);
            return outcome with { Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (InvalidImageException e)
        {
            logger.LogWarning("Embedding failed: {Reason}", e.Message);
            metrics.ImageProcessed(StageNames.Embed, clock.Elapsed.TotalSeconds, ok: false);
            return new EmbeddingOutcome { Error = new ImageError(StageNames.Embed, ImageError.OneLine(e.Message)), Seconds = clock.Elapsed.TotalSeconds };
        }
    }
}
