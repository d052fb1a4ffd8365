using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SamMpa.Grains.Telemetry;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// Where each stage ran: stateless workers are not in the management grain's statistics, so each silo's own meter
/// (its images-processed counter, tagged by stage) tells which role's silo did the work.
/// </summary>
internal sealed class StageRoleRecorder : IDisposable
{
    private readonly ConcurrentBag<(string Role, string Stage)> _seen = [];
    private readonly MeterListener _listener = new();

    public StageRoleRecorder(InProcessTestCluster cluster)
    {
        var meters = cluster.Silos.ToDictionary(
            s => s.ServiceProvider.GetRequiredService<SamMpaMetrics>().Meter,
            s => TwoRoleCluster.RoleOf(s.Name));
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Name == SamMpaMetrics.ImagesProcessedName && meters.ContainsKey(instrument.Meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, _, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == SamMpaMetrics.StageTag)
                {
                    _seen.Add((meters[instrument.Meter], (string)tag.Value!));
                }
            }
        });
        _listener.Start();
    }

    /// <summary>Fails unless each stage ran, and ran only on silos of its role.</summary>
    public void AssertOnlyOn(params (string Stage, string Role)[] expected)
    {
        foreach (var (stage, role) in expected)
        {
            var roles = _seen.Where(m => m.Stage == stage).Select(m => m.Role).Distinct().ToArray();
            Assert.True(roles.SequenceEqual([role]), $"expected stage {stage} only on the {role} silo, it ran on: {string.Join(", ", roles)}");
        }
    }

    public void Dispose() => _listener.Dispose();
}
