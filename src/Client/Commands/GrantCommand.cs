using System.CommandLine;
using SamMpa.Client.Gateway;
using SamMpa.Grains.Security;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa grant`: gives a principal a role on a dataset, or takes it (--role none); the dataset's owner or an admin only.</summary>
internal static class GrantCommand
{
    private static readonly string[] Roles = ["viewer", "annotator", "owner", "none"];

    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var principal = new Option<string>("--principal") { Description = "Who gets the role (the principal of their access key).", Required = true };
        var role = new Option<string>("--role")
        {
            Description = "viewer (status and results), annotator (viewer + accept annotations), owner (everything), or none (take every role).",
            Required = true,
        };
        role.AcceptOnlyFromAmong(Roles);
        var settings = ClusterOptions.Settings();
        // The gateway has no endpoint for grants: --gateway is taken only to be refused, naming the command.
        var gateway = new GatewayOptions();
        var command = new Command("grant", "Give a principal a role on a dataset (the dataset's owner or an admin).") { dataset, principal, role, settings, gateway.Url };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            gateway.RefuseOn(parse, "grant");
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var name = PrincipalNames.Require(parse.GetValue(principal), "--principal");
            var roleName = parse.GetValue(role)!;
            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            var grain = connection.Client.GetGrain<Grains.Datasets.IDatasetGrain>(datasetId);
            if (roleName == "none")
            {
                await grain.RevokeAsync(name);
                System.Console.WriteLine($"{name}: no role on {datasetId}");
            }
            else
            {
                await grain.GrantAsync(name, Enum.Parse<DatasetRole>(roleName, ignoreCase: true));
                System.Console.WriteLine($"{name}: {roleName} of {datasetId}");
            }

            return ExitCodes.Success;
        }));
        return command;
    }
}
