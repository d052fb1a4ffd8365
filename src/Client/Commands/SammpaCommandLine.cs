using System.CommandLine;

namespace SamMpa.Client.Commands;

/// <summary>The `sammpa` command tree.</summary>
internal static class SammpaCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SAM-MPA few-shot medical image segmentation: pick supports, propagate their masks, score.");
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(BenchRegistrationCommand.Create());
        root.Subcommands.Add(SamFixtureCommand.Create());
        return root;
    }
}
