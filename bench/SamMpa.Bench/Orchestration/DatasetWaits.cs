using SamMpa.Grains.Datasets;

namespace SamMpa.Bench.Orchestration;

/// <summary>Waits on a dataset's phase outside the measured runs, and checks where a step ended.</summary>
internal static class DatasetWaits
{
    public static async Task<DatasetStatus> WaitAsync(IDatasetGrain grain, TimeSpan patience, Func<DatasetStatus, bool> until, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(patience);
        while (true)
        {
            var status = await grain.GetStatusAsync();
            if (until(status))
            {
                return status;
            }

            // Phase changes have no stream event of their own: the status is polled (outside the measured runs).
            await Task.Delay(TimeSpan.FromMilliseconds(200), limit.Token);
        }
    }

    public static void Require(DatasetStatus status, DatasetPhase expected, string step)
    {
        if (status.Phase != expected)
        {
            throw new InvalidOperationException($"{step} ended in {status.Phase}, expected {expected}: {status.Message}");
        }
    }
}
