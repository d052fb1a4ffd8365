using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Client.Gateway;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa annotate`: uploads the supports' masks and has the dataset check them.</summary>
internal static class AnnotateCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var masks = new Option<DirectoryInfo?>("--masks") { Description = "Folder with one mask per support, named like the image or its stem (nonzero = target)." };
        var fromTruth = new Option<bool>("--from-truth") { Description = "Use the ground truth given at ingest as the supports' annotations (evaluation, demos)." };
        var command = new Command("annotate", "Upload the supports' annotations and accept them (each is checked: readable, the image's size, not empty).")
        {
            dataset, settings, masks, fromTruth,
        };
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var folder = parse.GetValue(masks);
            if (!parse.GetValue(fromTruth) && folder is null)
            {
                throw new ArgumentException("Give --masks DIR, or --from-truth when the dataset was ingested with ground truth.");
            }

            var endpoint = gateway.Resolve(parse, parse.GetValue(settings));
            if (endpoint is not null)
            {
                GatewayOptions.RefuseClusterOnly(parse, (fromTruth, "it reads the ground truth from the cluster's storage; give --masks DIR"));
            }

            var status = await ProgressDisplay.RunAsync(async progress =>
            {
                if (endpoint is not null)
                {
                    using var client = new GatewayClient(endpoint) { OnRetry = progress.Warning };
                    return await new GatewaySession(client, datasetId, progress).AnnotateAsync(support => FindMask(folder!, support), cancellationToken);
                }

                await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), progress, cancellationToken);
                var session = new DatasetSession(connection, datasetId, progress);
                // Copied as they are (the silos decode them through the image gate); only their length is capped here.
                Func<string, CancellationToken, Task<byte[]?>> annotationFor = folder is null
                    ? (support, ct) => connection.Blobs.ReadAsync(DatasetBlobLayout.Truth(session.Dataset, support), ImageLimits.DefaultMaxBytes, ct)
                    : async (support, ct) => FindMask(folder, support) is { } path ? await ReadMaskFileAsync(path, ct) : null;
                return await session.AnnotateAsync(annotationFor, cancellationToken);
            });
            StatusView.Write(status);
            return status.Phase == DatasetPhase.Annotated || status.MissingAnnotations.Count == 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
        }));
        return command;
    }

    private static Task<byte[]> ReadMaskFileAsync(string path, CancellationToken cancellationToken)
    {
        ImageLimits.Default.CheckBytes(new FileInfo(path).Length, path);
        return File.ReadAllBytesAsync(path, cancellationToken);
    }

    private static string? FindMask(DirectoryInfo folder, string image)
    {
        var exact = Path.Combine(folder.FullName, image);
        if (File.Exists(exact))
        {
            return exact;
        }

        var stem = Path.GetFileNameWithoutExtension(image);
        return ImageFile.SupportedExtensions.Select(e => Path.Combine(folder.FullName, stem + e)).FirstOrDefault(File.Exists);
    }
}
