using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Grains.Datasets;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa run`: segments every query of an annotated dataset.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var sam = new Option<bool>("--sam") { Description = "Prompt SAM with the coarse masks (stages pa, pr); the gpu silos need a SAM package." };
        var refine = new Option<int>("--refine") { Description = "Post-refinement rounds with --sam (0 = none).", DefaultValueFactory = _ => 1 };
        var boxMargin = new Option<int>("--box-margin") { Description = "Pixels added around the coarse mask's box.", DefaultValueFactory = _ => 0 };
        var maskDilation = new Option<int>("--mask-dilation") { Description = "Radius the coarse mask is dilated by before it becomes prompts.", DefaultValueFactory = _ => 0 };
        var interior = new Option<bool>("--interior-point") { Description = "Foreground point at the most interior pixel instead of the centroid." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the run has started." };
        var command = new Command("run", "Segment every query: propagate the supports' masks (and prompt SAM with --sam). Follows progress on the completion stream.")
        {
            dataset, settings, sam, refine, boxMargin, maskDilation, interior, noWait,
        };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var run = new RunSettings
            {
                UseSam = parse.GetValue(sam),
                Refine = parse.GetValue(refine),
                Prompts = new SamPromptSettings
                {
                    BoxMargin = parse.GetValue(boxMargin),
                    MaskDilation = parse.GetValue(maskDilation),
                    InteriorPoint = parse.GetValue(interior),
                },
            };
            using var calls = new CallHealth();
            var status = await ProgressDisplay.RunAsync(async progress =>
            {
                await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), progress, cancellationToken);
                var session = new DatasetSession(connection, datasetId, progress);
                if (parse.GetValue(noWait))
                {
                    return await session.Grain.RunAsync(run);
                }

                try
                {
                    return await session.RunAsync(run, onEvent: null, cancellationToken);
                }
                catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
                {
                    // The run is this command's: Ctrl-C stops it on the cluster too (--no-wait leaves it running).
                    throw new CommandCancelledException(await session.CancelAsync(), e);
                }
            });
            StatusView.Write(status);
            System.Console.Out.WriteLine(calls.Summary(embedded: false));
            return status.Failed > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
        }));
        return command;
    }
}
