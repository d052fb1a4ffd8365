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
/// One reentrant activation per silo: every call the dataset admits starts at once and waits for a registration slot of
/// this silo (which bound how many elastix processes run) with its own cancellation token. Not several activations:
/// Orleans routes a call's cancellation to any activation of a stateless worker, not to the one running the call
/// (dotnet/orleans#9877), so a cancelled run went on registering until every elastix ended (measured: 9-25 s after
/// Ctrl-C instead of about 1 s). A cancelled call kills its elastix.
/// </summary>
[StatelessWorker(1)]
[Reentrant]
[CpuPlacement]
internal sealed class RegistrationWorker(CoarseMasks coarseMasks, SamMpaMetrics metrics) : Grain, IRegistrationWorker
{
    public async Task<CoarseResult> SegmentQueryAsync(QueryJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SettingRanges.RequireWorkingSize(nameof(QueryJob), job.WorkingSize);
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
