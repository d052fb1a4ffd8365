using System.Runtime.Versioning;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Registration;

/// <summary>How elastix and transformix are started: the environment they see, and what cancelling leaves.</summary>
[UnsupportedOSPlatform("windows")] // the tools are POSIX shell scripts
public sealed class ToolProcessTests : IDisposable
{
    private const string Secret = "SAMMPA_TEST_SECRET";

    private readonly string _folder = Directory.CreateTempSubdirectory("sammpa-tool-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task The_tool_sees_a_minimal_environment_without_the_silos_secrets()
    {
        Environment.SetEnvironmentVariable(Secret, "account-key-that-must-not-leak");
        var tool = Script("print-env", "#!/bin/sh\nenv > env.txt\n");

        var outcome = await ToolProcess.RunAsync(tool, [], _folder, TimeSpan.FromMinutes(1), CancellationToken.None);

        Assert.Equal(0, outcome.ExitCode);
        var seen = File.ReadAllLines(Path.Combine(_folder, "env.txt"))
            .Select(line => line.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : "", StringComparer.Ordinal);
        Assert.DoesNotContain(Secret, seen.Keys);
        // What ToolProcess sets, plus what the shell itself adds (PWD, SHLVL, _).
        string[] allowed = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "OMP_NUM_THREADS", "ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS", "LD_LIBRARY_PATH", "PWD", "OLDPWD", "SHLVL", "_"];
        Assert.All(seen.Keys, name => Assert.Contains(name, allowed));
        Assert.Equal("C", seen["LC_ALL"]);
        Assert.Equal("1", seen["OMP_NUM_THREADS"]);
        Assert.Equal("1", seen["ITK_GLOBAL_DEFAULT_NUMBER_OF_THREADS"]);
        Assert.Equal(_folder, seen["TMPDIR"]);
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), seen["PATH"]);
    }

    [Fact]
    public async Task Cancelling_kills_the_tool_and_its_children()
    {
        using var tool = new HangingTool(_folder);
        using var cancel = new CancellationTokenSource();

        var run = ToolProcess.RunAsync(tool.Path, [], _folder, TimeSpan.FromMinutes(10), cancel.Token);
        await tool.RunningAsync(run);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        await tool.GoneAsync(); // the script and its sleeping child have both exited
    }

    private string Script(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
