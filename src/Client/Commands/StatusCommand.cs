using System.CommandLine;
using System.Text.Json;
using SamMpa.Client.Console;
using SamMpa.Client.Gateway;

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
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var status = await StatusAsync(gateway.Resolve(parse, parse.GetValue(settings)), parse.GetValue(settings), datasetId, cancellationToken);
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

    private static async Task<Grains.Datasets.DatasetStatus> StatusAsync(GatewayEndpoint? endpoint, FileInfo? settings, string datasetId, CancellationToken cancellationToken)
    {
        if (endpoint is not null)
        {
            using var client = new GatewayClient(endpoint);
            return (await client.GetDatasetAsync(datasetId, cancellationToken)).Status;
        }

        await using var connection = await ClusterOptions.ConnectAsync(settings, cancellationToken);
        return await connection.Client.GetGrain<Grains.Datasets.IDatasetGrain>(datasetId).GetStatusAsync();
    }
}
