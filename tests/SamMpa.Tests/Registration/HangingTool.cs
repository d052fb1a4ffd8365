using System.Diagnostics;
using System.Globalization;

namespace SamMpa.Tests.Registration;

/// <summary>
/// A stand-in for elastix that hangs in a child process (a shell script running <c>sleep</c>) and tells the test, through
/// a FIFO, when it runs and when it is gone: the script and its child hold the FIFO open for writing, so the test reads
/// the line "script-pid child-pid" once both run, and the end of the stream once both have exited. No polling, no sleeps.
/// </summary>
internal sealed class HangingTool : IDisposable
{
    private readonly Task<FileStream> _opening;
    private StreamReader? _reader;

    /// <param name="folder">Where the script and its FIFO are written (not a registration work folder).</param>
    public HangingTool(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The hanging tool is a POSIX shell script.");
        }

        var fifo = System.IO.Path.Combine(folder, "alive.fifo");
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            Assert.Equal(0, mkfifo.ExitCode);
        }

        Path = System.IO.Path.Combine(folder, "hanging-tool");
        File.WriteAllText(Path, $"#!/bin/sh\nexec 3> '{fifo}'\nsleep 300 &\necho \"$$ $!\" >&3\nwait\n");
        File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // Opening a FIFO for reading blocks until the script opens it for writing: off the test's thread.
        _opening = Task.Run(() => new FileStream(fifo, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1));
    }

    /// <summary>The script to run as the tool.</summary>
    public string Path { get; }

    /// <summary>
    /// Completes with the script's and its child's process ids once both run, or fails when <paramref name="run"/> (the
    /// code that starts the tool) ends first.
    /// </summary>
    public async Task<(int Script, int Child)> RunningAsync(Task run)
    {
        if (await Task.WhenAny(_opening, run) != _opening)
        {
            await run; // its failure, or:
            throw new InvalidOperationException("The tool's run ended before the hanging tool started.");
        }

        _reader = new StreamReader(await _opening);
        var line = await _reader.ReadLineAsync() ?? throw new InvalidOperationException("The hanging tool closed its FIFO before it said it runs.");
        var ids = line.Split(' ');
        return (int.Parse(ids[0], CultureInfo.InvariantCulture), int.Parse(ids[1], CultureInfo.InvariantCulture));
    }

    /// <summary>Completes when the script and its child have both exited (every writer of the FIFO is gone).</summary>
    public async Task GoneAsync()
    {
        var reader = _reader ?? throw new InvalidOperationException("Wait for RunningAsync first.");
        Assert.Equal("", await reader.ReadToEndAsync());
    }

    public void Dispose()
    {
        _reader?.Dispose();
        if (_opening.IsCompletedSuccessfully)
        {
            _opening.Result.Dispose();
        }
    }
}
