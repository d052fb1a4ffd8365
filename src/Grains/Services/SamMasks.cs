using System.Diagnostics;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Sam;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// SAM's part of a query, from blobs by name: stages PA, SEG and PR from the fused soft mask stage MP wrote, or one of
/// the paper's baselines (manual prompts from the ground truth, PerSAM from the query's support). Writes the final
/// mask and scores it against ground truth.
/// </summary>
public sealed class SamMasks(IBlobStore blobs, FailureRecords failures, IOptions<ImageOptions> imageOptions)
{
    public async Task<ImageOutcome> SegmentAsync(SamDecoder decoder, SamJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(job);
        SettingRanges.RequireRun(nameof(SamJob), job.Settings);
        // The mask is mapped back to this size: checked before it becomes an allocation.
        SettingRanges.RequireImageSize(nameof(SamJob), job.Width, job.Height, imageOptions.Value.MaxPixels);
        var clock = Stopwatch.StartNew();
        try
        {
            var embedding = await ReadEmbeddingAsync(decoder, job.EmbeddingBlob, cancellationToken);
            using var soft = SoftMaskCodec.Decode(await ReadAsync(job.SoftMaskBlob, cancellationToken), job.SoftMaskBlob);
            var prompts = PromptOptionsOf(job.Settings.Prompts);
            using var logits = await Task.Run(() => SegmentFromCoarse(decoder, embedding, soft, prompts, job.Settings.Refine), cancellationToken);
            var geometry = new WorkingGeometry(job.Width, job.Height, soft.Width, soft.Height);
            var outcome = job.Coarse;
            if (logits is null)
            {
                // An empty coarse mask gives SAM nothing to prompt with: the coarse mask is the answer.
                var coarseBlob = job.Coarse.CoarseMaskBlob!;
                var finalBlob = RunFinalMask(job.Dataset, job.RunId, job.Image);
                await blobs.WriteAsync(finalBlob, await ReadAsync(coarseBlob, cancellationToken), cancellationToken);
                return outcome with
                {
                    MaskBlob = finalBlob,
                    FinalDice = job.Coarse.CoarseDice,
                    FinalIou = job.Coarse.CoarseIou,
                    SegmentationSeconds = job.Coarse.SegmentationSeconds + clock.Elapsed.TotalSeconds,
                };
            }

            using var final = geometry.ToOriginal(logits);
            return await WriteFinalAsync(job.Dataset, job.RunId, job.Image, job.TruthBlob, final, outcome, clock, cancellationToken);
        }
        catch (InvalidImageException e)
        {
            return job.Coarse with { Error = await failures.RecordAsync(job.Dataset, job.RunId, job.Image, StageNames.Segment, e.Message, cancellationToken) };
        }
    }

    public async Task<ImageOutcome> BaselineAsync(SamDecoder decoder, BaselineJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(job);
        SettingRanges.RequireWorkingSize(nameof(BaselineJob), job.WorkingSize);
        var clock = Stopwatch.StartNew();
        var outcome = new ImageOutcome { Image = job.Image, Supports = job.Support is { } s ? [s.Image] : [] };
        try
        {
            using var query = await BlobImages.ReadImageAsync(blobs, job.ImageBlob, imageOptions.Value.Limits, cancellationToken);
            var geometry = WorkingGeometry.For(query, job.WorkingSize);
            var embedding = await ReadEmbeddingAsync(decoder, job.EmbeddingBlob, cancellationToken);
            using var logits = job.Method == SegmentationMethod.PerSam
                ? await PerSamAsync(decoder, job, geometry, query, embedding, cancellationToken)
                : await ManualAsync(decoder, job, geometry, embedding, cancellationToken);
            // An empty ground truth gives nothing to click: the baseline answers with an empty mask.
            using var final = logits is null ? new GrayImage(query.Width, query.Height) : geometry.ToOriginal(logits);
            return await WriteFinalAsync(job.Dataset, job.RunId, job.Image, job.TruthBlob, final, outcome, clock, cancellationToken);
        }
        catch (InvalidImageException e)
        {
            return outcome with { Error = await failures.RecordAsync(job.Dataset, job.RunId, job.Image, StageNames.Segment, e.Message, cancellationToken) };
        }
    }

    private async Task<GrayImage?> ManualAsync(
        SamDecoder decoder, BaselineJob job, WorkingGeometry geometry, float[] embedding, CancellationToken cancellationToken)
    {
        if (job.TruthBlob is null)
        {
            throw new InvalidImageException(job.ImageBlob, $"--method {SegmentationMethods.Format(job.Method)} prompts from the ground truth, and this dataset has none");
        }

        using var truth = await BlobImages.ReadMaskAsync(blobs, job.TruthBlob, imageOptions.Value.Limits, cancellationToken);
        using var truthWorking = geometry.MaskToWorking(truth);
        var kind = job.Method switch
        {
            SegmentationMethod.ManualPoint => ManualPromptKind.Point,
            SegmentationMethod.ManualBox => ManualPromptKind.Box,
            SegmentationMethod.ManualPointBox => ManualPromptKind.PointAndBox,
            _ => throw new ArgumentOutOfRangeException(nameof(job), $"{job.Method} is not a manual baseline."),
        };
        var prompt = PromptGenerator.FromGroundTruth(truthWorking, kind);
        return prompt is null ? null : await Task.Run(() => SamSegmenter.Segment(decoder, embedding, prompt, refine: 0), cancellationToken);
    }

    private async Task<GrayImage> PerSamAsync(
        SamDecoder decoder, BaselineJob job, WorkingGeometry geometry, GrayImage query, float[] embedding, CancellationToken cancellationToken)
    {
        var support = job.Support ?? throw new InvalidImageException(job.ImageBlob, "PerSAM needs the query's support, and none was given");
        var supportEmbedding = await ReadEmbeddingAsync(decoder, job.SupportEmbeddingBlob!, cancellationToken);
        using var supportImage = await BlobImages.ReadImageAsync(blobs, support.ImageBlob, imageOptions.Value.Limits, cancellationToken);
        using var annotation = await BlobImages.ReadMaskAsync(blobs, support.AnnotationBlob, imageOptions.Value.Limits, cancellationToken);
        var supportGeometry = WorkingGeometry.For(supportImage, job.WorkingSize);
        using var supportMask = supportGeometry.MaskToWorking(annotation);
        using var queryWorking = geometry.ToWorking(query);
        var frame = SamFrame.Of(queryWorking);
        return await Task.Run(() => PerSam.Segment(decoder, supportEmbedding, supportMask, embedding, frame), cancellationToken);
    }

    private async Task<ImageOutcome> WriteFinalAsync(
        string dataset, string? runId, string image, string? truthBlob, GrayImage final, ImageOutcome outcome, Stopwatch clock, CancellationToken cancellationToken)
    {
        using var truth = truthBlob is null ? null : await BlobImages.ReadMaskAsync(blobs, truthBlob, imageOptions.Value.Limits, cancellationToken);
        if (truth is not null && (truth.Width != final.Width || truth.Height != final.Height))
        {
            throw new InvalidImageException(truthBlob!, $"ground-truth mask is {truth.Width}x{truth.Height} but the image is {final.Width}x{final.Height}");
        }

        var overlap = truth is null ? (Overlap?)null : SegmentationMetrics.Compare(final.Pixels, truth.Pixels, threshold: 0f);
        var finalBlob = RunFinalMask(dataset, runId, image);
        cancellationToken.ThrowIfCancellationRequested();
        await blobs.WriteAsync(finalBlob, MaskFile.EncodePng(final, threshold: 0f), cancellationToken);
        return outcome with
        {
            MaskBlob = finalBlob,
            FinalDice = overlap?.Dice,
            FinalIou = overlap?.IoU,
            SegmentationSeconds = outcome.SegmentationSeconds + clock.Elapsed.TotalSeconds,
        };
    }

    /// <summary>SAM's final logits on the working grid, or null when the coarse mask is empty (nothing to prompt with).</summary>
    private static GrayImage? SegmentFromCoarse(SamDecoder decoder, float[] embedding, GrayImage coarse, PromptOptions prompts, int refine)
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

    private async Task<float[]> ReadEmbeddingAsync(SamDecoder decoder, string blob, CancellationToken cancellationToken)
    {
        var embedding = EmbeddingCodec.Decode(await ReadAsync(blob, cancellationToken))
            ?? throw new InvalidImageException(blob, "unreadable embedding");
        return embedding.Length == decoder.EmbeddingLength
            ? embedding
            : throw new InvalidImageException(blob, $"{embedding.Length} values, SAM's decoder needs {decoder.EmbeddingLength}; the dataset was embedded by another encoder");
    }

    private static string RunFinalMask(string dataset, string? runId, string image) =>
        DatasetBlobLayout.RunFinalMask(dataset, runId ?? throw new ArgumentException($"The SAM job of {image} has no run id; masks are written per run.", nameof(runId)), image);

    private async Task<byte[]> ReadAsync(string blob, CancellationToken cancellationToken) =>
        await blobs.ReadAsync(blob, cancellationToken) ?? throw new InvalidImageException(blob, "no such blob");

    private static PromptOptions PromptOptionsOf(SamPromptSettings settings) => new()
    {
        BoxMargin = settings.BoxMargin,
        MaskDilation = settings.MaskDilation,
        ForegroundPoint = settings.InteriorPoint ? ForegroundPoint.Interior : ForegroundPoint.Centroid,
        UseBox = settings.UseBox,
        UseMask = settings.UseMask,
        UsePoints = settings.UsePoints,
    };
}
