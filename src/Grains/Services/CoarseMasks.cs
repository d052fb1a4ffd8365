using System.Diagnostics;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Refinement;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// Stages MP, LOC and RF of one query: decodes the query once; with MP registers every support onto it (each
/// registration in a slot of this silo) and fuses the warped masks; with LOC predicts the few-shot probability map
/// (<see cref="QueryLocalisation"/>); with both, their average is the soft mask; with RF, GrabCut on the query refines
/// it. The result is brought to the query's grid and written as the coarse mask, scored against ground truth; the soft
/// mask for SAM when it follows, the final mask otherwise. Blobs are replaced whole, so a repeated job leaves one copy of
/// each. A failing stage fails this query alone, with the stage and a reason naming the item. A trial job (stage AUTO's
/// leave-one-out) is scored and returned without writing any blob.
/// </summary>
public sealed class CoarseMasks(
    IBlobStore blobs, IMaskPropagator propagator, RegistrationSlots slots, QueryLocalisation localisation, FailureRecords failures, IOptions<ImageOptions> imageOptions)
{
    public async Task<CoarseResult> SegmentAsync(QueryJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        var supports = job.Register || job.Localise is null ? job.Supports : job.Localise.Supports;
        var outcome = new ImageOutcome { Image = job.Image, Supports = supports.Select(s => s.Image).ToArray() };
        var stage = job.Register ? StageNames.Register : StageNames.Localise;
        GrayImage? registered = null;
        GrayImage? probability = null;
        GrayImage? refined = null;
        try
        {
            using var query = await BlobImages.ReadImageAsync(blobs, job.ImageBlob, imageOptions.Value.Limits, cancellationToken);
            var geometry = WorkingGeometry.For(query, job.WorkingSize);
            using var queryWorking = geometry.ToWorking(query);
            double? uncertainty = null;
            if (job.Register)
            {
                var propagated = await PropagateAllAsync(job, queryWorking, cancellationToken);
                try
                {
                    outcome = outcome with { RegistrationSeconds = propagated.Sum(p => p.Seconds) };
                    registered = MaskFusion.Fuse(propagated.Where(p => p.Mask is not null).Select(p => p.Mask!).ToArray());
                    if (registered is null)
                    {
                        var text = string.Join(Environment.NewLine, propagated.Select(p => p.Error));
                        return new CoarseResult { Outcome = outcome with { Error = await RecordAsync(job, StageNames.Register, text, cancellationToken) } };
                    }

                    // Without a map, how much the two best atlases disagree says how far to trust the fused mask.
                    if (propagated.Length >= 2 && propagated[0].Mask is { } first && propagated[1].Mask is { } second)
                    {
                        uncertainty = LocalisationUncertainty.Disagreement(first.Pixels, second.Pixels);
                    }
                }
                finally
                {
                    foreach (var p in propagated)
                    {
                        p.Mask?.Dispose();
                    }
                }
            }

            if (job.Localise is { } localise)
            {
                stage = StageNames.Localise;
                (probability, var localised) = await localisation.LocaliseAsync(job, localise, queryWorking, cancellationToken);
                uncertainty = localised;
            }

            using var soft = registered is not null && probability is not null
                ? MaskFusion.Fuse([registered, probability])!
                : (registered ?? probability!).Clone();
            outcome = outcome with { Uncertainty = uncertainty };
            if (job.GraphCut)
            {
                stage = StageNames.GraphCut;
                refined = await RefineAsync(queryWorking, soft, job.Image, cancellationToken);
            }

            stage = job.Register ? StageNames.Register : StageNames.Localise;
            return await WriteAsync(job, outcome, geometry, refined ?? soft, cancellationToken);
        }
        catch (InvalidImageException e)
        {
            var error = await RecordAsync(job, stage, e.Message, cancellationToken);
            return new CoarseResult { Outcome = outcome with { Error = error } };
        }
        finally
        {
            registered?.Dispose();
            probability?.Dispose();
            refined?.Dispose();
        }
    }

    /// <summary>The failure as one line; its whole text in the image's failure blob, except for a trial (which writes nothing).</summary>
    private async Task<ImageError> RecordAsync(QueryJob job, string stage, string text, CancellationToken cancellationToken) =>
        job.Trial ? new ImageError(stage, ImageError.OneLine(text)) : await failures.RecordAsync(job.Dataset, job.RunId, job.Image, stage, text, cancellationToken);

    /// <summary>GrabCut off the grain's scheduler; OpenCV's failures (its native library missing, say) name the query.</summary>
    private static async Task<GrayImage> RefineAsync(GrayImage queryWorking, GrayImage soft, string image, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => GrabCutRefiner.Refine(queryWorking, soft), cancellationToken);
        }
        catch (Exception e) when (OpenCvFailure.Is(e))
        {
            throw new InvalidImageException(image, $"GrabCut failed: {e.GetBaseException().Message}", e);
        }
    }

    /// <summary>Every support's mask on the query's working grid, registered at once (each in a slot), or why not.</summary>
    private async Task<Propagated[]> PropagateAllAsync(QueryJob job, GrayImage queryWorking, CancellationToken cancellationToken)
    {
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
            using var annotation = await BlobImages.ReadMaskAsync(blobs, support.AnnotationBlob, imageOptions.Value.Limits, cancellationToken);
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
        using var truth = job.TruthBlob is null ? null : await BlobImages.ReadMaskAsync(blobs, job.TruthBlob, imageOptions.Value.Limits, cancellationToken);
        if (truth is not null && (truth.Width != coarse.Width || truth.Height != coarse.Height))
        {
            throw new InvalidImageException(job.TruthBlob!, $"ground-truth mask is {truth.Width}x{truth.Height} but the image is {coarse.Width}x{coarse.Height}");
        }

        var overlap = truth is null ? (Overlap?)null : SegmentationMetrics.Compare(coarse.Pixels, truth.Pixels);
        if (job.Trial)
        {
            return new CoarseResult
            {
                Outcome = outcome with { CoarseDice = overlap?.Dice, CoarseIou = overlap?.IoU, FinalDice = overlap?.Dice, FinalIou = overlap?.IoU, SegmentationSeconds = clock.Elapsed.TotalSeconds },
                Width = coarse.Width,
                Height = coarse.Height,
            };
        }

        var runId = job.RunId ?? throw new ArgumentException($"The query job of {job.Image} has no run id; masks are written per run.", nameof(job));
        var coarseBlob = DatasetBlobLayout.RunCoarseMask(job.Dataset, runId, job.Image);
        var png = MaskFile.EncodePng(coarse);
        cancellationToken.ThrowIfCancellationRequested();
        await blobs.WriteAsync(coarseBlob, png, cancellationToken);
        string? softBlob = null;
        string? finalBlob = null;
        if (job.SamFollows)
        {
            softBlob = DatasetBlobLayout.RunSoftMask(job.Dataset, runId, job.Image);
            await blobs.WriteAsync(softBlob, SoftMaskCodec.Encode(fused), cancellationToken);
        }
        else
        {
            finalBlob = DatasetBlobLayout.RunFinalMask(job.Dataset, runId, job.Image);
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
