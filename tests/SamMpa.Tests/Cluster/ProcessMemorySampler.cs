using System.Diagnostics;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// Samples this process's memory on a background task every <c>interval</c> until stopped and keeps the peaks: the
/// managed heap (<see cref="GC.GetTotalMemory"/>), the memory the GC has committed and the working set. Nothing waits on
/// it; the peaks are read after <see cref="StopAsync"/>.
/// </summary>
internal sealed class ProcessMemorySampler : IAsyncDisposable
{
    private readonly PeriodicTimer _timer;
    private readonly Process _process = Process.GetCurrentProcess();
    private readonly Task _sampling;

    public ProcessMemorySampler(TimeSpan interval)
    {
        _timer = new PeriodicTimer(interval);
        Sample();
        _sampling = Task.Run(SampleUntilStoppedAsync);
    }

    public long PeakManagedBytes { get; private set; }

    public long PeakCommittedBytes { get; private set; }

    public long PeakWorkingSetBytes { get; private set; }

    public int Samples { get; private set; }

    /// <summary>Ends the sampling with one last sample; the peaks are final afterwards.</summary>
    public async Task StopAsync()
    {
        _timer.Dispose();
        await _sampling;
        Sample();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process.Dispose();
    }

    private async Task SampleUntilStoppedAsync()
    {
        while (await _timer.WaitForNextTickAsync())
        {
            Sample();
        }
    }

    // Called by one task at a time (the constructor, the sampling task, then StopAsync after it ended).
    private void Sample()
    {
        _process.Refresh();
        PeakManagedBytes = Math.Max(PeakManagedBytes, GC.GetTotalMemory(forceFullCollection: false));
        PeakCommittedBytes = Math.Max(PeakCommittedBytes, GC.GetGCMemoryInfo().TotalCommittedBytes);
        PeakWorkingSetBytes = Math.Max(PeakWorkingSetBytes, _process.WorkingSet64);
        Samples++;
    }
}
