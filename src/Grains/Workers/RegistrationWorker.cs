using System.Diagnostics;
using Orleans.Concurrency;
using SamMpa.Grains.Images;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Grains.Workers;

/// <summary>
/// Stages MP, LOC and RF of one query per call (elastix, or the configured stand-in): every atlas registered, fused,
/// averaged with the localisation map, refined and written.
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
        var seconds = clock.Elapsed.TotalSeconds;
        var ok = !result.Outcome.Failed;
        if (job.Register)
        {
            metrics.ImageProcessed(StageNames.Register, seconds, ok);
        }

        // One call runs every stage asked for; each is counted, so where a stage ran shows in its silo's metrics.
        if (job.Localise is not null)
        {
            metrics.ImageProcessed(StageNames.Localise, seconds, ok);
        }

        if (job.GraphCut)
        {
            metrics.ImageProcessed(StageNames.GraphCut, seconds, ok);
        }

        return result;
    }
}
