using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using SamMpa.Grains.Images;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Telemetry;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Grains.Workers;

/// <summary>
/// Registers a support onto a query (elastix, or the configured stand-in) and warps the support's annotation (stage MP). As many activations
/// per silo as cores (Orleans' default for stateless workers), each running one single-threaded elastix at a time.
/// </summary>
[StatelessWorker]
[CpuPlacement]
internal sealed class RegistrationWorker(
    IBlobStore blobs,
    IMaskPropagator propagator,
    RegistrationSlots slots,
    QueryMasks queryMasks,
    SamMpaMetrics metrics,
    ILogger<RegistrationWorker> logger)
    : Grain, IRegistrationWorker
{
    public async Task<PropagatedMask> PropagateAsync(PropagationJob job)
    {
        var clock = Stopwatch.StartNew();
        var result = new PropagatedMask { Support = job.Support.Image };
        try
        {
            using var query = await BlobImages.ReadImageAsync(blobs, job.QueryBlob, default);
            using var support = await BlobImages.ReadImageAsync(blobs, job.Support.ImageBlob, default);
            using var annotation = await BlobImages.ReadMaskAsync(blobs, job.Support.AnnotationBlob, default);
            if (annotation.Width != support.Width || annotation.Height != support.Height)
            {
                throw new InvalidImageException(
                    job.Support.AnnotationBlob,
                    $"annotation is {annotation.Width}x{annotation.Height} but support image {job.Support.Image} is {support.Width}x{support.Height}");
            }

            var queryGeometry = WorkingGeometry.For(query, job.WorkingSize);
            var supportGeometry = WorkingGeometry.For(support, job.WorkingSize);
            using var queryWorking = queryGeometry.ToWorking(query);
            using var supportWorking = supportGeometry.ToWorking(support);
            using var annotationWorking = supportGeometry.MaskToWorking(annotation);
            PropagationResult propagated;
            using (await slots.AcquireAsync(default))
            {
                propagated = await propagator.PropagateAsync(
                    queryWorking, supportWorking, annotationWorking, job.Query, job.Support.Image, default);
            }

            using var softMask = propagated.SoftMask;
            metrics.ImageProcessed(StageNames.Register, clock.Elapsed.TotalSeconds, ok: true);
            return result with
            {
                Width = softMask.Width,
                Height = softMask.Height,
                SoftMask = softMask.Pixels.ToArray(),
                Seconds = propagated.Elapsed.TotalSeconds,
            };
        }
        catch (Exception e) when (e is InvalidImageException or RegistrationException)
        {
            logger.LogWarning("Registration of {Support} onto {Query} failed: {Reason}", job.Support.Image, job.Query, e.Message);
            metrics.ImageProcessed(StageNames.Register, clock.Elapsed.TotalSeconds, ok: false);
            return result with { Error = e.Message, Seconds = clock.Elapsed.TotalSeconds };
        }
    }

    public async Task<ImageOutcome> WriteCoarseAsync(MaskJob job)
    {
        var clock = Stopwatch.StartNew();
        var outcome = await queryMasks.CompleteAsync(job, segment: null, default);
        metrics.ImageProcessed(StageNames.Segment, clock.Elapsed.TotalSeconds, ok: !outcome.Failed);
        return outcome;
    }
}
