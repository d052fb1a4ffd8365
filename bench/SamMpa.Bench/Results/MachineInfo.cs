using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace SamMpa.Bench.Results;

/// <summary>The machine and software the figures come from.</summary>
public sealed record MachineInfo(string Cpu, int Cores, double MemoryGiB, string Os, string DotNet, string Elastix, string Commit)
{
    public static MachineInfo Describe(string repository) => new(
        CpuModel(),
        Environment.ProcessorCount,
        MemoryGiBFromProc(),
        OsName(),
        RuntimeInformation.FrameworkDescription,
        FirstLineOf("elastix", ["--version"], repository) ?? "not found",
        CommitOf(repository));

    private static string CpuModel()
    {
        const string prefix = "model name";
        var line = ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        return line?.Split(':', 2)[1].Trim() ?? RuntimeInformation.ProcessArchitecture.ToString();
    }

    private static double MemoryGiBFromProc()
    {
        // "MemTotal:       24596992 kB"
        var line = ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kilobytes = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kilobytes is not null && long.TryParse(kilobytes, NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb)
            ? Math.Round(kb / 1024.0 / 1024.0, 1)
            : double.NaN;
    }

    private static string OsName()
    {
        var pretty = ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal));
        var name = pretty?.Split('=', 2)[1].Trim('"');
        return name is null ? RuntimeInformation.OSDescription : $"{name}, kernel {Environment.OSVersion.Version}";
    }

    private static string CommitOf(string repository)
    {
        var head = FirstLineOf("git", ["rev-parse", "--short=12", "HEAD"], repository) ?? "unknown";
        var dirty = FirstLineOf("git", ["status", "--porcelain", "--untracked-files=no"], repository);
        return dirty is null ? head : head + " (uncommitted changes)";
    }

    private static IEnumerable<string> ReadLines(string path) => File.Exists(path) ? File.ReadLines(path) : [];

    /// <summary>The first output line of a tool, or null when it is missing, fails or prints nothing.</summary>
    private static string? FirstLineOf(string tool, string[] arguments, string workingDirectory)
    {
        try
        {
            var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = process.StandardOutput.ReadToEnd();
            process.StandardError.ReadToEnd();
            process.WaitForExit();
            var first = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
            return process.ExitCode == 0 ? first : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
