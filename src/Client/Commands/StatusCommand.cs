using System.CommandLine;
using System.Text.Json;
using SamMpa.Client.Console;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa status`: a dataset's phase, counts, failures and what it waits for.</summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var json = new Option<bool>("--json") { Description = "Print the status as JSON." };
        var command = new Command("status", "Show a dataset's status.") { dataset, settings, json };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            var status = await connection.Client.GetGrain<Grains.Datasets.IDatasetGrain>(datasetId).GetStatusAsync();
            if (parse.GetValue(json))
            {
                System.Console.WriteLine(JsonSerializer.Serialize(status, EventJson.Options));
            }
            else
            {
                StatusView.Write(status);
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
