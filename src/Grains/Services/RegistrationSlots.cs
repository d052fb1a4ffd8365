using SamMpa.Imaging.Registration;

namespace SamMpa.Grains.Services;

/// <summary>
/// How many elastix runs a silo allows at once (<see cref="RegistrationOptions.MaxDegreeOfParallelism"/>, default the
/// cores). Stateless workers already stop at one activation per core; this lets a silo use fewer.
/// </summary>
public sealed class RegistrationSlots(RegistrationOptions options) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.MaxDegreeOfParallelism));

    public async Task<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
