namespace SamMpa.Grains.Images;

/// <summary>
/// Work that several calls may wait on (a retry joins the first attempt instead of starting another). It is cancelled
/// only when every caller waiting on it has cancelled, and the last one to leave waits until it has really ended, so a
/// cancelled caller knows nothing of it still runs (its elastix is gone). Used on a grain's scheduler only.
/// </summary>
internal sealed class JoinableWork<T> : IDisposable
{
    private readonly CancellationTokenSource _cancellation = new();
    private int _waiters;

    public JoinableWork(Func<CancellationToken, Task<T>> start)
    {
        ArgumentNullException.ThrowIfNull(start);
        Task = start(_cancellation.Token);
    }

    public Task<T> Task { get; }

    public async Task<T> JoinAsync(CancellationToken cancellationToken)
    {
        _waiters++;
        try
        {
            return await Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && !Task.IsCompleted)
        {
            if (_waiters == 1)
            {
                await _cancellation.CancelAsync();
                try
                {
                    await Task;
                }
                catch (Exception)
                {
                    // Ended by the cancellation (or failing on its way out): either way it no longer runs.
                }
            }

            throw;
        }
        finally
        {
            _waiters--;
        }
    }

    public void Dispose() => _cancellation.Dispose();
}
