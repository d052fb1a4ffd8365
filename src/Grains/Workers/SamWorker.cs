using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Images;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Telemetry;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Sam;
using SamMpa.Storage;

namespace SamMpa.Grains.Workers;

/// <summary>Stages PA, SEG and PR on a gpu silo: prompts SAM with the fused coarse mask and feeds its answer back.</summary>
[StatelessWorker]
[GpuPlacement]
internal sealed class SamWorker(IBlobStore blobs, WorkerModels models, QueryMasks queryMasks, SamMpaMetrics metrics, ILogger<SamWorker> logger)
    : Grain, ISamWorker
{
    public async Task<ImageOutcome> SegmentAsync(MaskJob job)
    {
        var clock = Stopwatch.StartNew();
        var decoder = await models.GetDecoderAsync();
        if (decoder is null)
        {
            return Fail(job, "this gpu silo has no SAM package (set Models:SamPackage); the run asked for SAM");
        }

        if (job.EmbeddingBlob is null || EmbeddingCodec.Decode(await blobs.ReadAsync(job.EmbeddingBlob, default) ?? []) is not { } embedding)
        {
            return Fail(job, $"{job.EmbeddingBlob ?? "(no embedding)"}: missing or unreadable embedding");
        }

        if (embedding.Length != decoder.EmbeddingLength)
        {
            return Fail(job, $"{job.EmbeddingBlob}: {embedding.Length} values, SAM's decoder needs {decoder.EmbeddingLength}; the dataset was embedded by another encoder");
        }

        var prompts = PromptOptionsOf(job.Settings.Prompts);
        var outcome = await queryMasks.CompleteAsync(
            job,
            (coarse, _) => Task.Run(() => Segment(decoder, embedding, coarse, prompts, job.Settings.Refine)),
            default);
        metrics.ImageProcessed(StageNames.Segment, clock.Elapsed.TotalSeconds, ok: !outcome.Failed);
        return outcome;
    }

    /// <summary>SAM's final logits on the working grid, or null when the coarse mask is empty (nothing to prompt with).</summary>
    private static GrayImage? Segment(SamDecoder decoder, float[] embedding, GrayImage coarse, PromptOptions prompts, int refine)
    {
        var prompt = PromptGenerator.FromCoarseMask(coarse, prompts);
        if (prompt is null)
        {
            return null;
        }

        try
        {
            return SamSegmenter.Segment(decoder, embedding, prompt, refine);
        }
        finally
        {
            prompt.MaskInput?.Dispose();
        }
    }

    private static PromptOptions PromptOptionsOf(SamPromptSettings settings) => new()
    {
        BoxMargin = settings.BoxMargin,
        MaskDilation = settings.MaskDilation,
        ForegroundPoint = settings.InteriorPoint ? ForegroundPoint.Interior : ForegroundPoint.Centroid,
        UseBox = settings.UseBox,
        UseMask = settings.UseMask,
        UsePoints = settings.UsePoints,
    };

    private ImageOutcome Fail(MaskJob job, string reason)
    {
        logger.LogWarning("SAM could not segment {Image}: {Reason}", job.Image, reason);
        metrics.ImageProcessed(StageNames.Segment, 0, ok: false);
        return new ImageOutcome
        {
            Image = job.Image,
            Supports = job.Masks.Select(m => m.Support).ToArray(),
            Error = new ImageError(StageNames.Segment, reason),
        };
    }
}
