using System.CommandLine;
using SamMpa.Client.Commands;

namespace SamMpa.Tests.Client;

/// <summary>A `sammpa` command run in the test's process: its exit code and what it wrote to standard output and error.</summary>
internal sealed record CommandInvocation(int Exit, string Output, string Error)
{
    /// <summary>Everything, for a failure message.</summary>
    public string Text => $"exit {Exit}\n{Output}\n{Error}";

    public static async Task<CommandInvocation> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await SammpaCommandLine.Build().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return new CommandInvocation(exit, output.ToString(), error.ToString());
    }
}
