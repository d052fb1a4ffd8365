using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;
using SamMpa.Client.Commands;
using SamMpa.Imaging.Phantoms;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Client;

/// <summary>
/// Ctrl-C and SIGTERM on the real `sammpa eval` process while elastix runs: it exits with one line saying what was
/// cancelled and the signal's exit code, and leaves no elastix, transformix or work folder behind. Needs elastix.
/// </summary>
public sealed class CancellationTests : IDisposable
{
    private static readonly TimeSpan StartBound = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan ExitBound = TimeSpan.FromSeconds(60);
    private static readonly string[] RegistrationTools = ["elastix", "transformix"];
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-cancel-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData("SIGINT", ExitCodes.Cancelled)]
    [InlineData("SIGTERM", ExitCodes.Terminated)]
    public async Task A_signal_while_registering_stops_eval_and_everything_it_started(string signal, int expectedExit)
    {
        var data = Path.Combine(_root, "data");
        PhantomDataset.Write(data, 12, size: 64, anatomies: 2);
        var temporary = Directory.CreateDirectory(Path.Combine(_root, "tmp")).FullName;
        // Through env (which execs, keeping the pid): a test run started in the background inherits SIGINT ignored (what a
        // shell does to background jobs), and the command would inherit that too; the signal must reach it as from a terminal.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The sammpa.dll built with the tests (they reference the Client project).
        foreach (var argument in new[]
                 {
                     "--default-signal=INT,TERM", "dotnet", typeof(SammpaCommandLine).Assembly.Location, "eval", "--images", PhantomDataset.ImagesDirectory(data),
                     "--masks", PhantomDataset.MasksDirectory(data), "--shots", "2", "--stages", "es,mp", "--out", Path.Combine(_root, "out"),
                     "--home", Path.Combine(_root, "home"),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // The elastix work folders go under TMPDIR, and its processes inherit it: both name this test's run alone.
        start.Environment["TMPDIR"] = temporary;
        var standardError = new ConcurrentQueue<string>();
        using var process = new Process { StartInfo = start };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                standardError.Enqueue(e.Data);
            }
        };
        process.OutputDataReceived += (_, _) => { };
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            await WaitForRegistrationAsync(process, temporary, standardError);

            if (signal == "SIGINT")
            {
                Signals.Interrupt(process.Id);
            }
            else
            {
                Signals.Terminate(process.Id);
            }

            using (var bound = new CancellationTokenSource(ExitBound))
            {
                try
                {
                    await process.WaitForExitAsync(bound.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"sammpa eval did not exit within {ExitBound.TotalSeconds:F0} s of {signal}; its standard error:\n{Last(standardError, 20)}");
                }
            }

            // WaitForExit without a bound also drains the redirected output.
            process.WaitForExit();
            // Every check is made and reported together: which of them fail tells where the cancellation stops short.
            var problems = new List<string>();
            if (process.ExitCode != expectedExit)
            {
                problems.Add($"exit code {process.ExitCode}, expected {expectedExit}");
            }

            var last = standardError.LastOrDefault(l => l.Length > 0) ?? string.Empty;
            if (!Regex.IsMatch(last, @"^Cancelled: dataset \S+ cancelled, \d+ of 10 queries done$"))
            {
                problems.Add($"the last line is not the cancellation's one-line message: \"{last}\"");
            }

            var survivors = RegistrationProcessesUnder(temporary);
            if (survivors.Count > 0)
            {
                problems.Add($"elastix or transformix still running: pids {string.Join(", ", survivors)}");
            }

            var folders = Directory.GetDirectories(temporary, "sammpa-reg-*");
            if (folders.Length > 0)
            {
                problems.Add($"work folders left: {string.Join(", ", folders.Select(Path.GetFileName))}");
            }

            Assert.True(problems.Count == 0, $"after {signal}:\n{string.Join('\n', problems)}\nstandard error:\n{Last(standardError, 20)}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            foreach (var pid in RegistrationProcessesUnder(temporary))
            {
                try
                {
                    Process.GetProcessById(pid).Kill();
                }
                catch (ArgumentException)
                {
                    // Gone already.
                }
            }
        }
    }

    /// <summary>Waits (bounded) until the run has an elastix work folder, i.e. registrations are running.</summary>
    private static async Task WaitForRegistrationAsync(Process process, string temporary, ConcurrentQueue<string> standardError)
    {
        var clock = Stopwatch.StartNew();
        while (Directory.GetDirectories(temporary, "sammpa-reg-*").Length == 0)
        {
            if (process.HasExited)
            {
                Assert.Fail($"sammpa eval exited ({process.ExitCode}) before it registered anything; its standard error:\n{Last(standardError, 20)}");
            }

            if (clock.Elapsed > StartBound)
            {
                Assert.Fail($"no registration started within {StartBound.TotalMinutes:F0} min; standard error:\n{Last(standardError, 20)}");
            }

            await Task.Delay(50);
        }
    }

    /// <summary>elastix and transformix processes whose environment carries this run's TMPDIR.</summary>
    private static List<int> RegistrationProcessesUnder(string temporary)
    {
        var marker = $"TMPDIR={temporary}\0";
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var name = File.ReadAllText(Path.Combine(directory, "comm")).Trim();
                if (RegistrationTools.Contains(name, StringComparer.Ordinal) && File.ReadAllText(Path.Combine(directory, "environ")).Contains(marker, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The process ended while it was read, or is not ours to read.
            }
        }

        return found;
    }

    private static string Last(IEnumerable<string> lines, int count) => string.Join('\n', lines.TakeLast(count));
}
