using System.CommandLine;

namespace SamMpa.Client.Commands;

/// <summary>The `sammpa` command tree.</summary>
internal static class SammpaCommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand("SAM-MPA few-shot medical image segmentation on an Orleans cluster: ingest, select supports, annotate, run, download; eval and demo on an embedded silo.");
        root.Subcommands.Add(IngestCommand.Create());
        root.Subcommands.Add(SelectCommand.Create());
        root.Subcommands.Add(AnnotateCommand.Create());
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(StatusCommand.Create());
        root.Subcommands.Add(WatchCommand.Create());
        root.Subcommands.Add(DownloadCommand.Create());
        root.Subcommands.Add(CancelCommand.Create());
        root.Subcommands.Add(GrantCommand.Create());
        root.Subcommands.Add(KeysCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(BenchRegistrationCommand.Create());
        root.Subcommands.Add(SamFixtureCommand.Create());
        return root;
    }
}
