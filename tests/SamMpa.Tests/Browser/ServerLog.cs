using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace SamMpa.Tests.Browser;

/// <summary>
/// What the gateway logged while a browser used it, for a browser test's failure message beside the page's journal:
/// each request it began and finished (with status and time), and every warning and error, the last ones kept.
/// </summary>
public sealed class ServerLog : ILoggerProvider
{
    private const int Kept = 200;
    private const string RequestCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly ConcurrentQueue<string> _entries = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>The kept entries, oldest first.</summary>
    public string Describe() =>
        _entries.IsEmpty ? "the gateway logged nothing" : "the gateway logged:" + Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", _entries);

    private void Add(string entry)
    {
        _entries.Enqueue($"{_clock.Elapsed.TotalSeconds,7:F2} s  {entry}");
        while (_entries.Count > Kept && _entries.TryDequeue(out _))
        {
        }
    }

    private sealed class Logger(ServerLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning || (logLevel >= LogLevel.Information && category == RequestCategory);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Add($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? string.Empty : $" ({exception.GetType().Name}: {exception.Message})")}");
            }
        }
    }
}
