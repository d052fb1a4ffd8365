using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa ingest`: uploads a folder of images (and optional ground truth) and creates the dataset.</summary>
internal static class IngestCommand
{
    public static Command Create()
    {
        var dataset = ClusterOptions.Dataset();
        var settings = ClusterOptions.Settings();
        var images = new Option<DirectoryInfo?>("--images") { Description = "Folder of images to upload (PNG, JPEG, BMP)." };
        var masks = new Option<DirectoryInfo?>("--masks") { Description = "Optional ground-truth masks, same names (or stems) as the images: runs are then scored." };
        var prefix = new Option<string?>("--prefix") { Description = "Create the dataset over images already in blob storage under this folder (e.g. archive/site-a/) instead of uploading." };
        var workingSize = new Option<int>("--working-size") { Description = "Side of the working grid.", DefaultValueFactory = _ => 256 };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the dataset is created; embedding goes on in the cluster." };
        var command = new Command("ingest", "Upload images and create a dataset; its images are embedded on the gpu silos.")
        {
            dataset, settings, images, masks, prefix, workingSize, noWait,
        };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var request = new CreateDataset { WorkingSize = parse.GetValue(workingSize) };
            (IReadOnlyList<string> Paths, IReadOnlyDictionary<string, string>? Truth)? upload = null;
            if (parse.GetValue(prefix) is { } source)
            {
                request = request with { ImagePrefix = source };
            }
            else if (parse.GetValue(images) is { } folder)
            {
                upload = ListFolder(folder, parse.GetValue(masks));
                request = request with { TruthPrefix = upload.Value.Truth is null ? null : DatasetBlobLayout.TruthPrefix(datasetId) };
            }
            else
            {
                throw new ArgumentException("Give --images DIR to upload, or --prefix FOLDER/ for images already in blob storage.");
            }

            (int Uploaded, int Kept)? uploadedFiles = null;
            var status = await ProgressDisplay.RunAsync(async progress =>
            {
                await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), progress, cancellationToken);
                var session = new DatasetSession(connection, datasetId, progress);
                if (upload is { } files)
                {
                    uploadedFiles = await session.UploadAsync(files.Paths, files.Truth, cancellationToken);
                }

                var created = await session.Grain.CreateAsync(request);
                return parse.GetValue(noWait) ? created : await session.WaitForEmbeddingsAsync(created, cancellationToken);
            });
            if (uploadedFiles is { } counts)
            {
                System.Console.Error.WriteLine($"{counts.Uploaded} files uploaded, {counts.Kept} already there");
            }


            StatusView.Write(status);
            return status.Failed > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
        }));
        return command;
    }

    private static (IReadOnlyList<string> Images, IReadOnlyDictionary<string, string>? Truth) ListFolder(DirectoryInfo images, DirectoryInfo? masks)
    {
        if (masks is not null)
        {
            var labeled = LabeledDataset.Open(images.FullName, masks.FullName);
            return (labeled.Images.Select(i => i.ImagePath).ToArray(), labeled.Images.ToDictionary(i => i.Name, i => i.MaskPath, StringComparer.Ordinal));
        }

        if (!images.Exists)
        {
            throw new DirectoryNotFoundException($"{images.FullName}: folder not found.");
        }

        var paths = images.EnumerateFiles()
            .Where(f => ImageFile.SupportedExtensions.Contains(f.Extension))
            .Select(f => f.FullName)
            .Order(StringComparer.Ordinal)
            .ToArray();
        return paths.Length == 0 ? throw new DatasetException($"{images.FullName}: no images (.png, .jpg, .jpeg, .bmp).") : (paths, null);
    }
}
