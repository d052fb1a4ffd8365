namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// Calls an item at a time with at most <c>limit()</c> calls in flight (the limit is read again before each call, so it
/// follows the cluster's registration slots as silos come and go). When the caller cancels, or one call fails, no new
/// call starts, the others are cancelled, and it returns only after every call it started has ended: a fence.
/// </summary>
public static class BoundedCalls
{
    public static async Task RunAsync(
        IEnumerable<int> items, Func<int> limit, Func<int, CancellationToken, Task> call, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(call);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var running = new HashSet<Task>();
        try
        {
            foreach (var item in items)
            {
                while (running.Count >= Math.Max(1, limit()))
                {
                    var finished = await Task.WhenAny(running);
                    running.Remove(finished);
                    await finished;
                }

                stop.Token.ThrowIfCancellationRequested();
                running.Add(call(item, stop.Token));
            }

            while (running.Count > 0)
            {
                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                await finished;
            }
        }
        finally
        {
            if (running.Count > 0)
            {
                await stop.CancelAsync();
                foreach (var task in running)
                {
                    await Quietly(task);
                }
            }
        }
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // The first failure (or the cancellation) is what the caller sees; the fence only waits for the rest.
        }
    }
}
