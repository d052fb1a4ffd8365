using System.CommandLine;
using System.Text.Json;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
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
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            await using var watcher = await CompletionWatcher.SubscribeAsync(connection.Client, datasetId);
            try
            {
                await foreach (var completion in watcher.Events.ReadAllAsync(cancellationToken))
                {
                    System.Console.WriteLine(JsonSerializer.Serialize(completion, EventJson.Options));
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
}
