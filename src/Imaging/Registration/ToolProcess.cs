using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace SamMpa.Imaging.Registration;

/// <summary>
/// Runs one elastix/transformix process without a shell, in its work folder, with a minimal environment (none of the
/// silo's settings or secrets), draining its output, with timeout and cancellation.
/// </summary>
internal static class ToolProcess
{
    private const int StderrTailChars = 4096;

    // Every tool process this process has started and not yet seen end, so that a process that must end at once (a
    // second Ctrl-C) can take them with it instead of leaving them to run on as orphans.
    private static readonly ConcurrentDictionary<Process, byte> Running = new();

    internal readonly record struct Outcome(int ExitCode, bool TimedOut, string StandardErrorTail);

    /// <summary>
    /// Runs the executable to completion. On timeout the whole process tree is killed and
    /// <see cref="Outcome.TimedOut"/> is set; on cancellation it is killed and <see cref="OperationCanceledException"/> thrown.
    /// </summary>
    public static async Task<Outcome> RunAsync(
        string executable, IReadOnlyList<string> arguments, string workingDirectory, TimeSpan timeout, CancellationToken ct)
    {
        var startInfo = new ProcessStartInfo(executable)
        {
            UseShellExecute = false,
            RedirectStandardInput = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        SetMinimalEnvironment(startInfo.Environment, workingDirectory);

        using var process = new Process { StartInfo = startInfo };
        try
        {
            if (!process.Start())
            {
                throw new RegistrationToolMissingException($"Could not start '{executable}'.");
            }
        }
        catch (Win32Exception ex)
        {
            throw new RegistrationToolMissingException($"Could not start '{executable}': {ex.Message}", ex);
        }

        Running.TryAdd(process, 0);
        try
        {
            return await WaitAsync(process, timeout, ct).ConfigureAwait(false);
        }
        finally
        {
            Running.TryRemove(process, out _);
        }
    }

    /// <summary>Kills every tool process still running (and its children); for a process about to end at once.</summary>
    public static int KillAllRunning()
    {
        var killed = 0;
        foreach (var process in Running.Keys)
        {
            KillTree(process);
            killed++;
        }

        return killed;
    }

    private static async Task<Outcome> WaitAsync(Process process, TimeSpan timeout, CancellationToken ct)
    {
        // elastix prints its whole log on stdout (also in elastix.log): discard it; keep the tail of stderr.
        var stdoutDrain = process.StandardOutput.BaseStream.CopyToAsync(Stream.Null, CancellationToken.None);
        var stderrDrain = ReadTailAsync(process.StandardError);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            timedOut = true;
        }

        await DrainQuietly(stdoutDrain).ConfigureAwait(false);
        var stderr = await stderrDrain.ConfigureAwait(false);
        return new Outcome(timedOut ? -1 : process.ExitCode, timedOut, stderr);
    }

    /// <summary>
    /// Replaces the inherited environment (which holds the silo's storage keys and connection strings) with what the
    /// tools need: PATH, a HOME and TMPDIR inside the work folder, the C locale (a '.' decimal separator in the
    /// parameter files) and one thread each.
    /// </summary>
    internal static void SetMinimalEnvironment(IDictionary<string, string?> environment, string workingDirectory)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        var libraryPath = Environment.GetEnvironmentVariable("LD_LIBRARY_PATH");
        var systemRoot = Environment.GetEnvironmentVariable("SystemRoot");
        environment.Clear();
        environment["PATH"] = string.IsNullOrEmpty(path) ? "/usr/local/bin:/usr/bin:/bin" : path;
        environment["HOME"] = workingDirectory;
        environment["TMPDIR"] = workingDirectory;
        environment["LANG"] = "C";
        environment["LC_ALL"] = "C";
        environment["OMP_NUM_THREADS"] = "1";
        environment["ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS"] = "1";
        if (!string.IsNullOrEmpty(libraryPath))
        {
            environment["LD_LIBRARY_PATH"] = libraryPath;
        }

        if (OperatingSystem.IsWindows() && !string.IsNullOrEmpty(systemRoot))
        {
            environment["SystemRoot"] = systemRoot; // Windows processes do not start without it
        }
    }

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
        catch (Win32Exception)
        {
            // Exiting while we kill it.
        }
    }

    private static async Task DrainQuietly(Task drain)
    {
        try
        {
            await drain.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The pipe broke when the process was killed.
        }
    }

    private static async Task<string> ReadTailAsync(StreamReader reader)
    {
        var tail = new StringBuilder();
        var buffer = new char[1024];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer.AsMemory(), CancellationToken.None).ConfigureAwait(false)) > 0)
            {
                tail.Append(buffer, 0, read);
                if (tail.Length > 2 * StderrTailChars)
                {
                    tail.Remove(0, tail.Length - StderrTailChars);
                }
            }
        }
        catch (IOException)
        {
            // The pipe broke when the process was killed.
        }

        return tail.Length > StderrTailChars ? tail.ToString(tail.Length - StderrTailChars, StderrTailChars) : tail.ToString();
    }
}
