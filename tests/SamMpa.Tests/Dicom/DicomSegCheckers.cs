using System.Diagnostics;
using System.Text.Json;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The independent checkers a written segmentation must pass: dicom3tools' dciodvfy (the IOD's rules), DCMTK's
/// dcmdump (parses it) and pydicom (reads it back, pixels included), run as processes. scripts/ensure-tools installs
/// dicom3tools, python3-pydicom and python3-numpy; pydicom is run by Debian's /usr/bin/python3, which has them, not
/// by whatever python3 is first on PATH.
/// </summary>
internal static class DicomSegCheckers
{
    public const string Python = "/usr/bin/python3";

    /// <summary>What is missing of the checkers; empty when all are there.</summary>
    public static readonly Lazy<IReadOnlyList<string>> Missing = new(FindMissing);

    /// <summary>dciodvfy's report: the lines that are errors, and the whole output for a failure message.</summary>
    public static async Task<(IReadOnlyList<string> Errors, string Output)> VerifyAsync(string path)
    {
        var run = await RunAsync("dciodvfy", [path]);
        var output = run.StandardOutput + run.StandardError;
        var errors = output.Split('\n').Where(line => line.StartsWith("Error", StringComparison.Ordinal)).ToList();
        return (errors, output);
    }

    /// <summary>dcmdump's text of the file; a failure to parse throws with its stderr.</summary>
    public static async Task<string> DumpAsync(string path)
    {
        var run = await RunAsync("dcmdump", ["-q", path]);
        return run.ExitCode == 0 && run.StandardError.Length == 0
            ? run.StandardOutput
            : throw new InvalidOperationException($"dcmdump could not parse {path} (exit code {run.ExitCode}): {run.StandardError}");
    }

    /// <summary>The segmentation as pydicom reads it (read_seg.py's JSON).</summary>
    public static async Task<JsonElement> ReadWithPydicomAsync(string path)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Dicom", "read_seg.py");
        var run = await RunAsync(Python, [script, path]);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"pydicom could not read {path} (exit code {run.ExitCode}): {run.StandardError}");
        }

        using var document = JsonDocument.Parse(run.StandardOutput);
        return document.RootElement.Clone();
    }

    private static async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(string command, string[] arguments)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{command} could not be started");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var standardOutput = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var standardError = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{command} {string.Join(' ', arguments)} did not finish within a minute");
        }

        return (process.ExitCode, await standardOutput, await standardError);
    }

    private static List<string> FindMissing()
    {
        var missing = new[] { "dciodvfy", "dcmdump" }.Where(command => !OnPath(command)).ToList();
        if (!File.Exists(Python))
        {
            missing.Add(Python);
        }
        else
        {
            using var probe = Process.Start(new ProcessStartInfo(Python, ["-c", "import pydicom, numpy"]) { RedirectStandardError = true, UseShellExecute = false });
            probe?.WaitForExit();
            if (probe is null || probe.ExitCode != 0)
            {
                missing.Add("pydicom or numpy for /usr/bin/python3");
            }
        }

        return missing;
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));
}

/// <summary>
/// A test that needs the DICOM toolkits and the SEG checkers: skipped, naming what is missing, on a developer machine
/// without them; never skipped when CI is set (a run without them then fails), as <see cref="DicomToolsFactAttribute"/>.
/// </summary>
public sealed class DicomSegToolsFactAttribute : FactAttribute
{
    public DicomSegToolsFactAttribute()
    {
        var missing = DicomToolkit.Missing.Value.Concat(DicomSegCheckers.Missing.Value).ToList();
        if (missing.Count > 0 && !Azurite.IsExpected)
        {
            Skip = $"{string.Join(", ", missing)} missing (scripts/ensure-tools installs dcmtk, libgdcm-tools, dicom3tools and python3-pydicom); skipped on this developer machine";
        }
    }
}
