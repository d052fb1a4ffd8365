using System.Diagnostics;
using Orleans.Concurrency;
using SamMpa.Grains.Images;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Grains.Workers;

/// <summary>
/// Stage MP of one query per call (elastix, or the configured stand-in): every atlas registered, fused and written.
/// As many activations per silo as cores (Orleans' default for stateless workers); the silo's registration slots bound
/// how many elastix processes run at once. A cancelled call kills its elastix.
/// </summary>
[StatelessWorker]
[CpuPlacement]
internal sealed class RegistrationWorker(CoarseMasks coarseMasks, SamMpaMetrics metrics) : Grain, IRegistrationWorker
{
    public async Task<CoarseResult> SegmentQueryAsync(QueryJob job, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var result = await coarseMasks.SegmentAsync(job, cancellationToken);
        metrics.ImageProcessed(StageNames.Register, clock.Elapsed.TotalSeconds, ok: !result.Outcome.Failed);
        return result;
    }
}
