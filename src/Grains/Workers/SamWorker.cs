using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Concurrency;
using SamMpa.Grains.Images;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Telemetry;
using SamMpa.Imaging.Sam;

namespace SamMpa.Grains.Workers;

/// <summary>
/// SAM on a gpu silo: stages PA, SEG and PR from the coarse soft mask, or one of the paper's baselines. One reentrant
/// activation per silo (the decoding runs on the thread pool, as many at once as the dataset admits): with several
/// activations Orleans would route a call's cancellation to the wrong one (dotnet/orleans#9877).
/// </summary>
[StatelessWorker(1)]
[Reentrant]
[GpuPlacement]
internal sealed class SamWorker(WorkerModels models, SamMasks samMasks, SamMpaMetrics metrics, ILogger<SamWorker> logger) : Grain, ISamWorker
{
    public Task<ImageOutcome> SegmentAsync(SamJob job, CancellationToken cancellationToken = default) =>
        RunAsync(job.Image, job.Coarse, decoder => samMasks.SegmentAsync(decoder, job, cancellationToken));

    public Task<ImageOutcome> BaselineAsync(BaselineJob job, CancellationToken cancellationToken = default) =>
        RunAsync(job.Image, new ImageOutcome { Image = job.Image }, decoder => samMasks.BaselineAsync(decoder, job, cancellationToken));

    private async Task<ImageOutcome> RunAsync(string image, ImageOutcome sofar, Func<SamDecoder, Task<ImageOutcome>> segment)
    {
        var clock = Stopwatch.StartNew();
        var decoder = await models.GetDecoderAsync();
        if (decoder is null)
        {
            const string reason = "this gpu silo has no SAM package (set Models:SamPackage); the run asked for SAM";
            logger.LogWarning("SAM could not segment {Image}: {Reason}", image, reason);
            metrics.ImageProcessed(StageNames.Segment, 0, ok: false);
            return sofar with { Error = new ImageError(StageNames.Segment, reason) };
        }

        var outcome = await segment(decoder);
        metrics.ImageProcessed(StageNames.Segment, clock.Elapsed.TotalSeconds, ok: !outcome.Failed);
        return outcome;
    }
}
