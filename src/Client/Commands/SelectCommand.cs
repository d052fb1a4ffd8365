using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Client.Gateway;
using SamMpa.Grains.Datasets;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa select`: picks the K supports a person annotates.</summary>
internal static class SelectCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var shots = new Option<int>("--shots") { Description = "Number of supports K.", DefaultValueFactory = _ => 10 };
        var random = new Option<bool>("--random") { Description = "Random supports (seeded) instead of the paper's embedding-based selection (ES)." };
        var seed = new Option<int>("--seed") { Description = "Seed of --random.", DefaultValueFactory = _ => 20240601 };
        var atlases = new Option<int>("--atlases") { Description = "Supports registered to each query (1 = the published method).", DefaultValueFactory = _ => 1 };
        var pool = new Option<int>("--pool") { Description = "Average-pool embeddings to at most this many values before selection (0 = none); selection memory is N x d x 8 bytes.", DefaultValueFactory = _ => 0 };
        var stratifyBy = StratifyOptions.StratifyBy();
        var minShare = StratifyOptions.MinStratumShare();
        var command = new Command("select", "Select the supports to annotate (waits for the embeddings).")
        {
            dataset, settings, shots, random, seed, atlases, pool, stratifyBy, minShare,
        };
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var endpoint = gateway.Resolve(parse, parse.GetValue(settings));
            var status = await ProgressDisplay.RunAsync(async progress =>
            {
                if (endpoint is not null)
                {
                    using var client = new GatewayClient(endpoint) { OnRetry = progress.Warning };
                    return await new GatewaySession(client, datasetId, progress).SelectAsync(
                        new SelectionRequest(
                            parse.GetValue(shots), parse.GetValue(random), parse.GetValue(seed), parse.GetValue(atlases), parse.GetValue(pool),
                            StratifyOptions.Field(parse.GetValue(stratifyBy)), parse.GetValue(minShare)),
                        cancellationToken);
                }

                await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), progress, cancellationToken);
                var session = new DatasetSession(connection, datasetId, progress);
                return await session.SelectAsync(
                    new SelectSupports
                    {
                        K = parse.GetValue(shots),
                        ByEmbedding = !parse.GetValue(random),
                        Seed = parse.GetValue(seed),
                        Atlases = parse.GetValue(atlases),
                        PooledDimension = parse.GetValue(pool),
                        StratifyBy = StratifyOptions.Field(parse.GetValue(stratifyBy)),
                        MinStratumShare = parse.GetValue(minShare),
                    },
                    cancellationToken);
            });
            foreach (var support in status.Supports)
            {
                parse.InvocationConfiguration.Output.WriteLine(support);
            }

            if (status.Message is { } message && message.Contains("strata hold", StringComparison.Ordinal))
            {
                System.Console.Error.WriteLine(message);
            }

            var through = endpoint is null ? string.Empty : $" --gateway {endpoint}";
            System.Console.Error.WriteLine($"annotate these {status.Supports.Count} images, then: sammpa annotate --dataset {datasetId} --masks DIR{through}");
            return ExitCodes.Success;
        }));
        return command;
    }
}
