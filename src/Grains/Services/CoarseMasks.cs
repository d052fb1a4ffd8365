using System.Diagnostics;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// Stage MP of one query: decodes the query once, registers every support onto it (each registration in a slot of this
/// silo), fuses the warped masks, brings the result to the query's grid and writes the coarse mask, scored against
/// ground truth; the soft mask for SAM when it follows, the final mask otherwise. Blobs are replaced whole, so a
/// repeated job leaves one copy of each.
/// </summary>
public sealed class CoarseMasks(
    IBlobStore blobs, IMaskPropagator propagator, RegistrationSlots slots, FailureRecords failures, IOptions<ImageOptions> imageOptions)
{
    public async Task<CoarseResult> SegmentAsync(QueryJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var outcome = new ImageOutcome { Image = job.Image, Supports = job.Supports.Select(s => s.Image).ToArray() };
        try
        {
            using var query = await BlobImages.ReadImageAsync(blobs, job.ImageBlob, imageOptions.Value.Limits, cancellationToken);
            var geometry = WorkingGeometry.For(query, job.WorkingSize);
            var propagated = await PropagateAllAsync(job, query, geometry, cancellationToken);
            try
            {
                var registrationSeconds = propagated.Sum(p => p.Seconds);
                outcome = outcome with { RegistrationSeconds = registrationSeconds };
                using var fused = MaskFusion.Fuse(propagated.Where(p => p.Mask is not null).Select(p => p.Mask!).ToArray());
                if (fused is null)
                {
                    var text = string.Join(Environment.NewLine, propagated.Select(p => p.Error));
                    return new CoarseResult { Outcome = outcome with { Error = await failures.RecordAsync(job.Dataset, job.Image, StageNames.Register, text, cancellationToken) } };
                }

                return await WriteAsync(job, outcome, geometry, fused, cancellationToken);
            }
            finally
            {
                foreach (var p in propagated)
                {
                    p.Mask?.Dispose();
                }
            }
        }
        catch (InvalidImageException e)
        {
            var error = await failures.RecordAsync(job.Dataset, job.Image, StageNames.Register, e.Message, cancellationToken);
            return new CoarseResult { Outcome = outcome with { Error = error } };
        }
    }

    /// <summary>Every support's mask on the query's working grid, registered at once (each in a slot), or why not.</summary>
    private async Task<Propagated[]> PropagateAllAsync(QueryJob job, GrayImage query, WorkingGeometry geometry, CancellationToken cancellationToken)
    {
        using var queryWorking = geometry.ToWorking(query);
        var tasks = job.Supports.Select(support => PropagateAsync(job, support, queryWorking, cancellationToken)).ToArray();
        try
        {
            return await Task.WhenAll(tasks);
        }
        catch
        {
            // One failed for good (cancellation): the others' masks must still go back to the pool.
            foreach (var task in tasks.Where(t => t.IsCompletedSuccessfully))
            {
                task.Result.Mask?.Dispose();
            }

            throw;
        }
    }

    private async Task<Propagated> PropagateAsync(QueryJob job, Images.SupportRef support, GrayImage queryWorking, CancellationToken cancellationToken)
    {
        try
        {
            using var image = await BlobImages.ReadImageAsync(blobs, support.ImageBlob, imageOptions.Value.Limits, cancellationToken);
            using var annotation = await BlobImages.ReadMaskAsync(blobs, support.AnnotationBlob, cancellationToken);
            if (annotation.Width != image.Width || annotation.Height != image.Height)
            {
                throw new InvalidImageException(
                    support.AnnotationBlob, $"annotation is {annotation.Width}x{annotation.Height} but support image {support.Image} is {image.Width}x{image.Height}");
            }

            var geometry = WorkingGeometry.For(image, job.WorkingSize);
            using var supportWorking = geometry.ToWorking(image);
            using var annotationWorking = geometry.MaskToWorking(annotation);
            using (await slots.AcquireAsync(cancellationToken))
            {
                var result = await propagator.PropagateAsync(queryWorking, supportWorking, annotationWorking, job.Image, support.Image, cancellationToken);
                return new Propagated(result.SoftMask, result.Elapsed.TotalSeconds, null);
            }
        }
        catch (Exception e) when (e is InvalidImageException or RegistrationException)
        {
            return new Propagated(null, 0, e.Message);
        }
    }

    private async Task<CoarseResult> WriteAsync(
        QueryJob job, ImageOutcome outcome, WorkingGeometry geometry, GrayImage fused, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var coarse = geometry.ToOriginal(fused);
        using var truth = job.TruthBlob is null ? null : await BlobImages.ReadMaskAsync(blobs, job.TruthBlob, cancellationToken);
        if (truth is not null && (truth.Width != coarse.Width || truth.Height != coarse.Height))
        {
            throw new InvalidImageException(job.TruthBlob!, $"ground-truth mask is {truth.Width}x{truth.Height} but the image is {coarse.Width}x{coarse.Height}");
        }

        var overlap = truth is null ? (Overlap?)null : SegmentationMetrics.Compare(coarse.Pixels, truth.Pixels);
        var coarseBlob = DatasetBlobLayout.CoarseMask(job.Dataset, job.Image);
        var png = MaskFile.EncodePng(coarse);
        cancellationToken.ThrowIfCancellationRequested();
        await blobs.WriteAsync(coarseBlob, png, cancellationToken);
        string? softBlob = null;
        string? finalBlob = null;
        if (job.SamFollows)
        {
            softBlob = DatasetBlobLayout.SoftMask(job.Dataset, job.Image);
            await blobs.WriteAsync(softBlob, SoftMaskCodec.Encode(fused), cancellationToken);
        }
        else
        {
            finalBlob = DatasetBlobLayout.FinalMask(job.Dataset, job.Image);
            await blobs.WriteAsync(finalBlob, png, cancellationToken);
        }

        return new CoarseResult
        {
            Outcome = outcome with
            {
                CoarseMaskBlob = coarseBlob,
                MaskBlob = finalBlob,
                CoarseDice = overlap?.Dice,
                CoarseIou = overlap?.IoU,
                FinalDice = job.SamFollows ? null : overlap?.Dice,
                FinalIou = job.SamFollows ? null : overlap?.IoU,
                SegmentationSeconds = clock.Elapsed.TotalSeconds,
            },
            SoftMaskBlob = softBlob,
            Width = coarse.Width,
            Height = coarse.Height,
        };
    }

    private sealed record Propagated(GrayImage? Mask, double Seconds, string? Error);
}
