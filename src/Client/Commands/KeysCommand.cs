using System.CommandLine;
using SamMpa.Grains.Security;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa keys create|list|revoke`: the cluster's access keys (an admin key's calls only).</summary>
internal static class KeysCommand
{
    public static Command Create()
    {
        var command = new Command("keys", "Manage the cluster's access keys (needs an admin key: SAMMPA_ACCESS_KEY or Orleans:AccessKey).");
        command.Subcommands.Add(CreateKey());
        command.Subcommands.Add(ListKeys());
        command.Subcommands.Add(RevokeKey());
        return command;
    }

    private static Command CreateKey()
    {
        var principal = new Option<string>("--principal") { Description = "Who the key is for: a person, a front end, a certificate's subject.", Required = true };
        var admin = new Option<bool>("--admin") { Description = "An admin key: every dataset, and the keys themselves." };
        var delegates = new Option<bool>("--delegate")
        {
            Description = "A front door's key (the HTTP gateway's Gateway:AccessKey): it may call on behalf of the users it authenticates (JWT), never as an admin.",
        };
        var settings = ClusterOptions.Settings();
        var command = new Command("create", "Create a key; its secret is printed this once (the cluster keeps only its SHA-256).") { principal, admin, delegates, settings };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            var name = PrincipalNames.Require(parse.GetValue(principal), "--principal");
            var isDelegate = parse.GetValue(delegates);
            if (isDelegate && parse.GetValue(admin))
            {
                throw new ArgumentException("--admin and --delegate: a delegate key is never an admin key (its holder faces the outside); choose one.");
            }

            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            var created = isDelegate
                ? await Keys(connection).CreateDelegateAsync(name)
                : await Keys(connection).CreateAsync(name, parse.GetValue(admin));
            var kind = created.Key.Admin ? " (admin)" : created.Key.Delegate ? " (delegate)" : string.Empty;
            System.Console.WriteLine($"key {created.Key.Id} for {created.Key.Principal}{kind}");
            System.Console.WriteLine($"secret: {created.Secret}");
            System.Console.Error.WriteLine("Keep the secret now (SAMMPA_ACCESS_KEY for the sammpa commands): it is not shown again.");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command ListKeys()
    {
        var settings = ClusterOptions.Settings();
        var command = new Command("list", "List the keys: id, principal, admin or delegate, created, revoked (never their secrets).") { settings };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            foreach (var key in await Keys(connection).ListAsync())
            {
                System.Console.WriteLine(FormattableString.Invariant(
                    $"{key.Id}\t{key.Principal}\t{(key.Admin ? "admin" : key.Delegate ? "delegate" : "-")}\t{key.Created:yyyy-MM-ddTHH:mm:ssZ}\t{(key.Revoked ? "revoked" : "active")}"));
            }

            return ExitCodes.Success;
        }));
        return command;
    }

    private static Command RevokeKey()
    {
        var id = new Option<string>("--id") { Description = "The key's id (sammpa keys list).", Required = true };
        var settings = ClusterOptions.Settings();
        var command = new Command("revoke", "Revoke a key: refused by every silo within Security:KeyCacheLifetime (30 s by default).") { id, settings };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            var keyId = parse.GetValue(id)!;
            await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), cancellationToken);
            if (!await Keys(connection).RevokeAsync(keyId))
            {
                throw new KeyNotFoundException($"No access key '{keyId}' (sammpa keys list shows them).");
            }

            System.Console.WriteLine($"key {keyId} revoked");
            return ExitCodes.Success;
        }));
        return command;
    }

    private static IAccessKeysGrain Keys(Cluster.ClusterConnection connection) =>
        connection.Client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey);
}
