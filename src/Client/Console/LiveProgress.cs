using SamMpa.Imaging.Evaluation;
using Spectre.Console;

namespace SamMpa.Client.Console;

/// <summary>
/// Progress on a terminal: one Spectre.Console progress bar per stage. Warnings are written through the same console,
/// whose live display moves them above the bars, so neither tears the other.
/// </summary>
internal sealed class LiveProgress(IAnsiConsole console, ProgressContext context) : IEvalProgress
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (ProgressTask Task, int Total, int Done)> _stages = new(StringComparer.Ordinal);

    public void StageStarted(string stage, int total)
    {
        lock (_gate)
        {
            // A stage of nothing is complete at once; Spectre's bar needs a positive maximum.
            var task = context.AddTask(Describe(stage, 0, total), maxValue: Math.Max(1, total));
            _stages[stage] = (task, total, 0);
        }
    }

    public void ItemCompleted(string stage, string item)
    {
        lock (_gate)
        {
            if (_stages.TryGetValue(stage, out var entry))
            {
                var done = entry.Done + 1;
                _stages[stage] = entry with { Done = done };
                entry.Task.Description = Describe(stage, done, entry.Total);
                entry.Task.Increment(1);
            }
        }
    }

    public void StageCompleted(string stage)
    {
        lock (_gate)
        {
            if (_stages.Remove(stage, out var entry))
            {
                entry.Task.Value = entry.Task.MaxValue;
                entry.Task.StopTask();
            }
        }
    }

    public void Warning(string message) => console.MarkupLineInterpolated($"[yellow]warning:[/] {message}");

    private static string Describe(string stage, int done, int total) => Markup.Escape($"{stage} {done}/{total}");
}
