using System.Diagnostics.Metrics;

namespace SamMpa.Tests.Datasets;

/// <summary>An <see cref="IMeterFactory"/> for the job's metrics in plain tests; disposes the meters it made.</summary>
internal sealed class TestMeterFactory : IMeterFactory
{
    private readonly List<Meter> _meters = [];

    public Meter Create(MeterOptions options)
    {
        var meter = new Meter(options);
        _meters.Add(meter);
        return meter;
    }

    public void Dispose()
    {
        foreach (var meter in _meters)
        {
            meter.Dispose();
        }
    }
}
