namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// Counts a phase's finished items (positions 0..count-1 in the phase's order) and moves the stored watermark past
/// every run of finished positions. Items above the watermark finish in any order; they are kept in memory only until
/// the watermark passes them, so memory follows the items in flight, not the dataset.
/// </summary>
public sealed class ProgressTracker
{
    private readonly Dictionary<int, bool> _aboveWatermark = [];
    private int _watermark;
    private int _doneBelow;
    private int _failedBelow;

    public ProgressTracker(int count, PhaseProgress stored)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.Watermark < 0 || stored.Watermark > count || stored.Done < 0 || stored.Failed < 0 || stored.Done + stored.Failed != stored.Watermark)
        {
            throw new ArgumentException($"Stored progress {stored} does not fit a phase of {count} items.", nameof(stored));
        }

        Count = count;
        _watermark = stored.Watermark;
        _doneBelow = stored.Done;
        _failedBelow = stored.Failed;
    }

    public int Count { get; }

    public int Done => _doneBelow + _aboveWatermark.Count(p => p.Value);

    public int Failed => _failedBelow + _aboveWatermark.Count(p => !p.Value);

    public bool IsComplete => _watermark == Count;

    /// <summary>Positions still to be asked: from the watermark on, less those finished since.</summary>
    public IEnumerable<int> Pending()
    {
        for (var position = _watermark; position < Count; position++)
        {
            if (!_aboveWatermark.ContainsKey(position))
            {
                yield return position;
            }
        }
    }

    /// <summary>Records a finished position (a repeat keeps the first record).</summary>
    public void Complete(int position, bool ok)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(position, Count);
        if (position < _watermark || !_aboveWatermark.TryAdd(position, ok))
        {
            return;
        }

        while (_aboveWatermark.Remove(_watermark, out var finished))
        {
            if (finished)
            {
                _doneBelow++;
            }
            else
            {
                _failedBelow++;
            }

            _watermark++;
        }
    }

    /// <summary>What to store: only what is below the watermark (the rest is asked again after a restart).</summary>
    public PhaseProgress Snapshot() => new() { Watermark = _watermark, Done = _doneBelow, Failed = _failedBelow };
}
