using System.Diagnostics;
using SamMpa.Grains.Images;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Metrics;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// The last steps of one query, shared by the registration worker (no SAM) and the SAM worker: fuse the propagated
/// masks, bring them to the image's grid, write the coarse and the final mask, score both against ground truth.
/// Blobs are replaced whole (atomic), so a repeated job leaves one copy of each.
/// </summary>
public sealed class QueryMasks(IBlobStore blobs)
{
    /// <summary>
    /// Segments one query. <paramref name="segment"/> turns the fused working-grid soft mask into SAM's logits on the
    /// working grid (threshold 0), or returns null to keep the coarse mask as the final one; null runs no SAM.
    /// </summary>
    public async Task<ImageOutcome> CompleteAsync(
        MaskJob job, Func<GrayImage, CancellationToken, Task<GrayImage?>>? segment, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var supports = job.Masks.Select(m => m.Support).ToArray();
        var registrationSeconds = job.Masks.Sum(m => m.Seconds);
        var outcome = new ImageOutcome { Image = job.Image, Supports = supports, RegistrationSeconds = registrationSeconds };
        using var fused = MaskFusion.Fuse(job.Masks);
        if (fused is null)
        {
            return outcome with { Error = new ImageError(StageNames.Register, MaskFusion.Errors(job.Masks)) };
        }

        try
        {
            var (width, height) = await BlobImages.ReadSizeAsync(blobs, job.ImageBlob, cancellationToken);
            var geometry = new WorkingGeometry(width, height, fused.Width, fused.Height);
            using var coarse = geometry.ToOriginal(fused);
            using var truth = job.TruthBlob is null ? null : await BlobImages.ReadMaskAsync(blobs, job.TruthBlob, cancellationToken);
            if (truth is not null && (truth.Width != width || truth.Height != height))
            {
                throw new InvalidImageException(job.TruthBlob!, $"ground-truth mask is {truth.Width}x{truth.Height} but the image is {width}x{height}");
            }

            var coarseBlob = DatasetBlobLayout.CoarseMask(job.Dataset, job.Image);
            var finalBlob = DatasetBlobLayout.FinalMask(job.Dataset, job.Image);
            var coarsePng = MaskFile.EncodePng(coarse);
            await blobs.WriteAsync(coarseBlob, coarsePng, cancellationToken);
            var coarseOverlap = truth is null ? (Overlap?)null : SegmentationMetrics.Compare(coarse.Pixels, truth.Pixels);

            using var logits = segment is null ? null : await segment(fused, cancellationToken);
            using var finalMask = logits is null ? null : geometry.ToOriginal(logits);
            Overlap? finalOverlap;
            if (finalMask is null)
            {
                // No SAM, or an empty coarse mask that gives SAM nothing to prompt with: the coarse mask is the answer.
                await blobs.WriteAsync(finalBlob, coarsePng, cancellationToken);
                finalOverlap = coarseOverlap;
            }
            else
            {
                await blobs.WriteAsync(finalBlob, MaskFile.EncodePng(finalMask, threshold: 0f), cancellationToken);
                finalOverlap = truth is null ? null : SegmentationMetrics.Compare(finalMask.Pixels, truth.Pixels, threshold: 0f);
            }

            return outcome with
            {
                CoarseMaskBlob = coarseBlob,
                MaskBlob = finalBlob,
                CoarseDice = coarseOverlap?.Dice,
                CoarseIou = coarseOverlap?.IoU,
                FinalDice = finalOverlap?.Dice,
                FinalIou = finalOverlap?.IoU,
                SegmentationSeconds = clock.Elapsed.TotalSeconds,
            };
        }
        catch (InvalidImageException e)
        {
            return outcome with { Error = new ImageError(StageNames.Segment, e.Message) };
        }
    }
}
