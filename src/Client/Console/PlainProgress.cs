using System.Diagnostics;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Console;

/// <summary>
/// Progress for redirected output: plain lines at every tenth of a stage, so logs stay readable; warnings as lines of
/// their own between them.
/// </summary>
internal sealed class PlainProgress(TextWriter writer) : IEvalProgress
{
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = new();
    private string _stage = string.Empty;
    private int _total;
    private int _done;
    private int _lastDecile;

    public void StageStarted(string stage, int total)
    {
        lock (_gate)
        {
            (_stage, _total, _done, _lastDecile) = (stage, total, 0, 0);
            _clock.Restart();
            writer.WriteLine($"{stage}: {total} to do");
        }
    }

    public void ItemCompleted(string stage, string item)
    {
        lock (_gate)
        {
            _done++;
            var decile = _total == 0 ? 10 : _done * 10 / _total;
            if (decile > _lastDecile && _done < _total)
            {
                _lastDecile = decile;
                writer.WriteLine($"{_stage}: {_done}/{_total} ({100 * _done / _total}%) {_clock.Elapsed.TotalSeconds:F1} s");
            }
        }
    }

    public void StageCompleted(string stage)
    {
        lock (_gate)
        {
            writer.WriteLine($"{_stage}: {_done}/{_total} done in {_clock.Elapsed.TotalSeconds:F1} s");
        }
    }

    public void Warning(string message)
    {
        lock (_gate)
        {
            writer.WriteLine($"warning: {message}");
        }
    }
}
