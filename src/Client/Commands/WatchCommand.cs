using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Gateway;
using SamMpa.Grains.Events;
using SamMpa.Storage;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa watch`: a dataset's completion events as JSON lines (repeats dropped by event id).</summary>
internal static class WatchCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var follow = new Option<bool>("--follow") { Description = "Keep watching after a run completes (until Ctrl+C)." };
        var command = new Command("watch", "Print a dataset's completion events as JSON lines, until its run completes.") { dataset, settings, follow };
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            if (gateway.Resolve(parse, parse.GetValue(settings)) is { } endpoint)
            {
                return await WatchThroughGatewayAsync(parse.InvocationConfiguration.Output, endpoint, datasetId, parse.GetValue(follow), cancellationToken);
            }

            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            await using var watcher = await CompletionWatcher.SubscribeAsync(connection.Client, datasetId);
            try
            {
                await foreach (var completion in watcher.Events.ReadAllAsync(cancellationToken))
                {
                    System.Console.WriteLine(CompletionEventJson.SerializeToString(completion));
                    if (completion is DatasetCompleted && !parse.GetValue(follow))
                    {
                        break;
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// The gateway's event stream, which replays the dataset's event log from its first event and resumes after the last
    /// one seen when the connection drops: it ends at the completion of the run that was current when watching began
    /// (with no run yet, the first completion), or goes on with --follow.
    /// </summary>
    private static async Task<int> WatchThroughGatewayAsync(TextWriter output, GatewayEndpoint endpoint, string datasetId, bool follow, CancellationToken cancellationToken)
    {
        void Warn(string message) => System.Console.Error.WriteLine($"warning: {message}");
        using var client = new GatewayClient(endpoint) { OnRetry = Warn };
        var runId = (await client.GetDatasetAsync(datasetId, cancellationToken)).Status.RunId;
        try
        {
            await foreach (var completion in GatewayEventStream.ReadAsync(client, datasetId, Warn, cancellationToken))
            {
                await output.WriteLineAsync(CompletionEventJson.SerializeToString(completion));
                if (!follow && completion is DatasetCompleted completed && (runId is null || completed.RunId == runId))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return ExitCodes.Success;
    }
}
