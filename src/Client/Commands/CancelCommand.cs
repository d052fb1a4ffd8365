using System.CommandLine;
using SamMpa.Client.Console;
using SamMpa.Client.Gateway;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa cancel`: stops a dataset's job; calls in flight finish, nothing new starts.</summary>
internal static class CancelCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var command = new Command("cancel", "Stop a dataset's running job.") { dataset, settings };
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            if (gateway.Resolve(parse, parse.GetValue(settings)) is { } endpoint)
            {
                using var client = new GatewayClient(endpoint);
                StatusView.Write((await client.CancelAsync(datasetId, cancellationToken)).Status);
                return ExitCodes.Success;
            }

            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            var status = await connection.Client.GetGrain<Grains.Datasets.IDatasetGrain>(datasetId).CancelAsync();
            StatusView.Write(status);
            return ExitCodes.Success;
        }));
        return command;
    }
}
