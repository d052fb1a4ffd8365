using System.Diagnostics;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Console;

/// <summary>
/// A progress bar redrawn in place on a terminal; on redirected output, plain lines at every tenth of a stage,
/// so logs stay readable.
/// </summary>
internal sealed class ConsoleProgress(TextWriter writer, bool interactive) : IEvalProgress
{
    private const int BarWidth = 30;
    private readonly Lock _gate = new();
    private readonly Stopwatch _clock = new();
    private string _stage = string.Empty;
    private int _total;
    private int _done;
    private int _lastDecile;

    public static ConsoleProgress ForStandardError() =>
        new(System.Console.Error, !System.Console.IsErrorRedirected);

    public void StageStarted(string stage, int total)
    {
        lock (_gate)
        {
            (_stage, _total, _done, _lastDecile) = (stage, total, 0, 0);
            _clock.Restart();
            if (!interactive)
            {
                writer.WriteLine($"{stage}: {total} to do");
            }
            else
            {
                Draw();
            }
        }
    }

    public void ItemCompleted(string stage, string item)
    {
        lock (_gate)
        {
            _done++;
            if (interactive)
            {
                Draw();
                return;
            }

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
            if (interactive)
            {
                Draw();
                writer.WriteLine();
            }
            else
            {
                writer.WriteLine($"{_stage}: {_done}/{_total} done in {_clock.Elapsed.TotalSeconds:F1} s");
            }
        }
    }

    public void Warning(string message)
    {
        lock (_gate)
        {
            if (interactive)
            {
                writer.Write('\r');
            }

            writer.WriteLine($"warning: {message}");
            if (interactive)
            {
                Draw();
            }
        }
    }

    private void Draw()
    {
        var fraction = _total == 0 ? 1.0 : (double)_done / _total;
        var filled = (int)(fraction * BarWidth);
        var bar = new string('#', filled) + new string('-', BarWidth - filled);
        writer.Write($"\r{_stage,-9} [{bar}] {_done}/{_total} {_clock.Elapsed.TotalSeconds,6:F1} s");
    }
}
