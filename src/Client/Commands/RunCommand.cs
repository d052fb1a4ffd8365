using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Client.Evaluation;
using SamMpa.Client.Gateway;
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
        var stages = new Option<string>("--stages")
        {
            Description = "The mask stages: mp (registration), loc (localisation), rf (GrabCut refinement) joined by commas, or auto (chosen per dataset by leave-one-out on the supports). SAM is --sam.",
            DefaultValueFactory = _ => "auto",
        };
        var command = new Command("run", "Segment every query with the mask stages (--stages, auto by default: chosen per dataset from the supports), and prompt SAM with --sam. Follows progress on the completion stream.")
        {
            dataset, settings, stages, sam, refine, boxMargin, maskDilation, interior, noWait,
        };
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var mask = MaskStages(parse.GetValue(stages)!);
            var run = new RunSettings
            {
                Auto = mask.HasFlag(Stage.Auto),
                Register = mask.HasFlag(Stage.Mp) || mask.HasFlag(Stage.Auto),
                Localise = mask.HasFlag(Stage.Loc),
                GraphCut = mask.HasFlag(Stage.Rf),
                UseSam = parse.GetValue(sam),
                Refine = parse.GetValue(refine),
                Prompts = new SamPromptSettings
                {
                    BoxMargin = parse.GetValue(boxMargin),
                    MaskDilation = parse.GetValue(maskDilation),
                    InteriorPoint = parse.GetValue(interior),
                },
            };
            if (gateway.Resolve(parse, parse.GetValue(settings)) is { } endpoint)
            {
                // The same settings, as the run request's fields; the gateway maps them as this command does.
                var request = new RunRequest(
                    parse.GetValue(stages)!, run.UseSam, run.Refine, run.Prompts.BoxMargin, run.Prompts.MaskDilation, run.Prompts.InteriorPoint);
                return await RunThroughGatewayAsync(endpoint, datasetId, request, parse.GetValue(noWait), cancellationToken);
            }

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

    private static async Task<int> RunThroughGatewayAsync(GatewayEndpoint endpoint, string datasetId, RunRequest request, bool noWait, CancellationToken cancellationToken)
    {
        using var client = new GatewayClient(endpoint);
        var status = await ProgressDisplay.RunAsync(async progress =>
        {
            client.OnRetry = progress.Warning;
            var session = new GatewaySession(client, datasetId, progress);
            if (noWait)
            {
                return (await client.RunAsync(datasetId, request, cancellationToken)).Status;
            }

            try
            {
                return await session.RunAsync(request, cancellationToken);
            }
            catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
            {
                // The run is this command's: Ctrl-C stops it on the cluster too (--no-wait leaves it running).
                throw new CommandCancelledException(await session.CancelAsync(), e);
            }
        });
        StatusView.Write(status);
        return status.Failed > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
    }

    /// <summary>The mask stages of <c>--stages</c>; es, pa and pr belong to select and --sam, and are refused naming them.</summary>
    private static Stage MaskStages(string text)
    {
        var parsed = StageParser.Parse(text);
        var other = parsed & (Stage.Es | Stage.Pa | Stage.Pr);
        if (other != Stage.None)
        {
            throw new ArgumentException(
                $"--stages '{text}': run takes only mp, loc, rf or auto; {StageParser.Format(other)} belong elsewhere (es to select, pa and pr to --sam).");
        }

        return parsed;
    }
}
