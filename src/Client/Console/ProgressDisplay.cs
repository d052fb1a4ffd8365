using SamMpa.Imaging.Evaluation;
using Spectre.Console;

namespace SamMpa.Client.Console;

/// <summary>
/// Where a command's progress goes, on standard error: live bars on a terminal (Spectre.Console), plain lines when
/// standard error is redirected. Everything the command does that reports, the silo's logs included, runs inside
/// <see cref="RunAsync{T}"/>, so warnings and the bars share one writer.
/// </summary>
internal static class ProgressDisplay
{
    public static async Task<T> RunAsync<T>(Func<IEvalProgress, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (System.Console.IsErrorRedirected)
        {
            return await work(new PlainProgress(System.Console.Error));
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        return await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(context => work(new LiveProgress(console, context)));
    }
}
