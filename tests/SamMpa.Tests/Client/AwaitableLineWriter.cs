using System.Text;

namespace SamMpa.Tests.Client;

/// <summary>
/// A command's output as lines a test can wait for: <see cref="LineStartingWithAsync"/> completes when such a line is
/// written (or at once when one was), so a test waits on what the command prints, never on a clock.
/// </summary>
internal sealed class AwaitableLineWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _current = new();
    private readonly List<string> _lines = [];
    private readonly List<(string Prefix, TaskCompletionSource<string> Line)> _waiting = [];

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>The rest of the first line that starts with <paramref name="prefix"/>, once it is written.</summary>
    public Task<string> LineStartingWithAsync(string prefix)
    {
        lock (_gate)
        {
            if (_lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal)) is { } line)
            {
                return Task.FromResult(line[prefix.Length..]);
            }

            var waiting = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Add((prefix, waiting));
            return waiting.Task;
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            if (value == '\n')
            {
                var line = _current.ToString().TrimEnd('\r');
                _current.Clear();
                _lines.Add(line);
                foreach (var waiting in _waiting.Where(w => line.StartsWith(w.Prefix, StringComparison.Ordinal)).ToArray())
                {
                    _waiting.Remove(waiting);
                    waiting.Line.TrySetResult(line[waiting.Prefix.Length..]);
                }
            }
            else
            {
                _current.Append(value);
            }
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return string.Join('\n', _lines) + (_current.Length > 0 ? "\n" + _current : string.Empty);
        }
    }
}
