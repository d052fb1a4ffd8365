using System.Runtime.Versioning;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Registration;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideKillCollection
{
    // Alone: killing every registration tool of the process would fail the registrations of tests running beside it.
    public const string Name = "process-wide tool kill";
}

/// <summary>What a second Ctrl-C relies on: every elastix/transformix the process started can be killed at once.</summary>
[UnsupportedOSPlatform("windows")] // the stand-in tool is a POSIX shell script
[Collection(ProcessWideKillCollection.Name)]
public sealed class RegistrationProcessesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sammpa-kill-tests-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task Killing_every_running_tool_ends_the_tool_and_its_children()
    {
        using var tool = new HangingTool(_folder);

        var run = ToolProcess.RunAsync(tool.Path, [], _folder, TimeSpan.FromMinutes(10), CancellationToken.None);
        await tool.RunningAsync(run);

        Assert.Equal(1, RegistrationProcesses.KillAll());
        var outcome = await run;
        Assert.NotEqual(0, outcome.ExitCode);
        await tool.GoneAsync(); // the script and its sleeping child have both exited
        Assert.Equal(0, RegistrationProcesses.KillAll());
    }
}
