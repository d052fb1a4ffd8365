using Microsoft.Extensions.Logging;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Console;

/// <summary>
/// Logs of the hosts inside the client (the embedded silo, the cluster client) as warnings of the command's progress,
/// so they are printed between the progress lines, not across a live bar. The host's filters decide what gets here.
/// </summary>
internal sealed class ProgressLoggerProvider(IEvalProgress progress) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ProgressLogger(progress, ShortName(categoryName));

    public void Dispose()
    {
    }

    /// <summary>The class name of a category ("SamMpa.Grains.Datasets.DatasetGrain" is DatasetGrain).</summary>
    private static string ShortName(string category) => category[(category.LastIndexOf('.') + 1)..];

    private sealed class ProgressLogger(IEvalProgress progress, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var level = logLevel >= LogLevel.Error ? "error in " : string.Empty;
            var cause = exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})";
            progress.Warning($"{level}{category}: {formatter(state, exception)}{cause}");
        }
    }
}
