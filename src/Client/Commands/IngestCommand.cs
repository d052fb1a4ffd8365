using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Client.Gateway;
using SamMpa.Dicom.Import;
using SamMpa.Dicom.Web;
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
        var images = new Option<DirectoryInfo?>("--images") { Description = "Folder of images to upload (PNG, JPEG, BMP, and DICOM: .dcm files or files with the DICM preamble; one image per frame)." };
        var masks = new Option<DirectoryInfo?>("--masks") { Description = "Optional ground-truth masks, same names (or stems) as the images: runs are then scored." };
        var prefix = new Option<string?>("--prefix") { Description = "Create the dataset over images already in blob storage under this folder (e.g. archive/site-a/) instead of uploading." };
        var workingSize = new Option<int>("--working-size") { Description = "Side of the working grid.", DefaultValueFactory = _ => 256 };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the dataset is created; embedding goes on in the cluster." };
        var newVersion = new Option<bool>("--new-version")
        {
            Description = "When the dataset id already holds other images, ingest the folder as a new dataset {id}-v2 (or the first of -v3, -v4, ... that is free or holds this folder) instead of refusing.",
        };
        var command = new Command("ingest", "Upload images and create a dataset; its images are embedded on the gpu silos.")
        {
            dataset, settings, images, masks, prefix, workingSize, noWait, newVersion,
        };
        var gateway = new GatewayOptions();
        gateway.AddTo(command);
        var dicomWeb = new DicomWebSourceOptions();
        dicomWeb.AddTo(command);
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            // Checked before connecting: a bad id is the user's to fix, whatever the state of the cluster.
            var datasetId = Storage.ResourceId.Validate(parse.GetValue(dataset), "dataset");
            var endpoint = gateway.Resolve(parse, parse.GetValue(settings));
            if (endpoint is not null)
            {
                GatewayOptions.RefuseClusterOnly(parse, (newVersion, "it compares the folder with the dataset's blobs in storage"));
            }

            var request = new CreateDataset { WorkingSize = parse.GetValue(workingSize) };
            (IReadOnlyList<string> Paths, IReadOnlyDictionary<string, string>? Truth)? upload = null;
            CheckDicomWebCombination(parse, dicomWeb, endpoint is not null, images, masks, prefix);
            // Through the gateway, DICOM files go up as they are (.dcm parts) and the gateway converts them.
            using var dicom = dicomWeb.IsGiven(parse)
                ? await dicomWeb.RetrieveAsync(parse, cancellationToken)
                : endpoint is null && parse.GetValue(prefix) is null && parse.GetValue(images) is { } dicomFolder
                ? await DicomStaging.ConvertAsync(dicomFolder.FullName, new DicomImporter(), cancellationToken)
                : DicomStaging.Empty;
            if (dicomWeb.IsGiven(parse))
            {
                upload = (dicom.ImagePaths, null);
            }
            else if (parse.GetValue(prefix) is { } source)
            {
                request = request with { ImagePrefix = source };
            }
            else if (parse.GetValue(images) is { } dicomUpload && endpoint is not null && dicomUpload.Exists
                && DicomFiles.List(dicomUpload.FullName).Where(DicomFiles.IsDicomName).ToArray() is { Length: > 0 } dicomFiles)
            {
                if (parse.GetValue(masks) is not null)
                {
                    throw new ArgumentException($"--gateway with --masks: {dicomUpload.FullName} holds DICOM files, whose ground truth is named after the images the gateway makes of them; ingest it without --gateway, or without --masks.");
                }

                var pictures = dicomUpload.EnumerateFiles().Where(f => ImageFile.SupportedExtensions.Contains(f.Extension)).Select(f => f.FullName);
                upload = (pictures.Concat(dicomFiles).OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal).ToArray(), null);
            }
            else if (parse.GetValue(images) is { } folder)
            {
                upload = ListFolder(folder, parse.GetValue(masks), dicom);
            }
            else
            {
                throw new ArgumentException("Give --images DIR to upload, or --prefix FOLDER/ for images already in blob storage.");
            }

            if (endpoint is not null)
            {
                return await IngestThroughGatewayAsync(
                    endpoint, datasetId, request.WorkingSize, request.ImagePrefix, upload, parse.GetValue(noWait), parse.InvocationConfiguration.Error, cancellationToken);
            }

            (int Uploaded, int Kept)? uploadedFiles = null;
            // DICOM under a prefix: copied and converted as a folder of it would be (PrefixCopy).
            PrefixCopy? prefixCopy = null;
            var staged = dicom;
            try
            {
                var ingested = await ProgressDisplay.RunAsync(async progress =>
                {
                    await using var connection = await ClusterOptions.ConnectAsync(parse.GetValue(settings), progress, cancellationToken);
                    var target = datasetId;
                    DatasetSession session;
                    if (upload is null && request.ImagePrefix is { } source
                        && await PrefixCopy.OfDicomPrefixAsync(connection.Blobs, source, cancellationToken) is { } copied)
                    {
                        prefixCopy = copied;
                        staged = await DicomStaging.ConvertAsync(copied.Folder, new DicomImporter(), cancellationToken);
                        upload = ListFolder(new DirectoryInfo(copied.Folder), null, staged);
                        request = request with { ImagePrefix = null };
                    }

                    if (upload is { } files)
                    {
                        // Checked before anything is written: a refused folder leaves the dataset's folders as they were.
                        target = await TargetAsync(connection.Blobs, datasetId, files.Paths, files.Truth, parse.GetValue(newVersion), cancellationToken);
                        request = request with { TruthPrefix = files.Truth is null ? null : DatasetBlobLayout.TruthPrefix(target) };
                        session = new DatasetSession(connection, target, progress);
                        uploadedFiles = await session.UploadAsync(files.Paths, files.Truth, cancellationToken, staged);
                    }
                    else
                    {
                        session = new DatasetSession(connection, target, progress);
                    }

                    var created = await session.Grain.CreateAsync(request);
                    return (Target: target, Status: parse.GetValue(noWait) ? created : await session.WaitForEmbeddingsAsync(created, cancellationToken));
                });
                if (ingested.Target != datasetId)
                {
                    System.Console.Error.WriteLine($"Dataset '{datasetId}' holds other images: ingested as '{ingested.Target}'");
                }

                var status = ingested.Status;
                if (prefixCopy is { } copy)
                {
                    System.Console.Error.WriteLine(
                        $"{parse.GetValue(prefix)} holds {copy.DicomBlobs} DICOM files: converted, and ingested with its images into {DatasetBlobLayout.ImagesPrefix(ingested.Target)} "
                        + "(a prefix is read in place only while it holds images alone)");
                    foreach (var failure in copy.Failures)
                    {
                        System.Console.Error.WriteLine(failure);
                    }
                }

                if (uploadedFiles is { } counts)
                {
                    System.Console.Error.WriteLine($"{counts.Uploaded} files uploaded, {counts.Kept} already there");
                }

                StatusView.Write(status);
                DicomFailureView.Write(staged);
                return status.Failed > 0 || staged.Failures.Count > 0 || prefixCopy?.Failures.Count > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
            }
            finally
            {
                if (!ReferenceEquals(staged, dicom))
                {
                    staged.Dispose();
                }

                prefixCopy?.Dispose();
            }
        }));
        return command;
    }

    /// <summary>--dicomweb replaces --images and --prefix, and goes to the cluster only; its selection options need it.</summary>
    private static void CheckDicomWebCombination(
        ParseResult parse, DicomWebSourceOptions dicomWeb, bool throughGateway, Option<DirectoryInfo?> images, Option<DirectoryInfo?> masks, Option<string?> prefix)
    {
        if (dicomWeb.GivenWithoutRoot(parse).ToArray() is { Length: > 0 } stray)
        {
            throw new ArgumentException($"{string.Join(", ", stray)} only go(es) with --dicomweb URL.");
        }

        if (!dicomWeb.IsGiven(parse))
        {
            return;
        }

        var conflicting = new (Option Option, bool Given)[] { (images, parse.GetValue(images) is not null), (prefix, parse.GetValue(prefix) is not null), (masks, parse.GetValue(masks) is not null) }
            .Where(o => o.Given).Select(o => o.Option.Name).ToArray();
        if (conflicting.Length > 0)
        {
            throw new ArgumentException($"--dicomweb with {string.Join(", ", conflicting)}: the images come from the DICOMweb server; give one source.");
        }

        if (throughGateway)
        {
            throw new ArgumentException("--dicomweb with --gateway: the instances are retrieved by this command and uploaded to the cluster's storage; ingest without --gateway.");
        }
    }

    /// <summary>
    /// Ingest through the gateway: the folder streamed as one multipart upload (or the prefix named), then the embedding
    /// followed by the dataset's status. Files already stored are kept, as with the cluster.
    /// </summary>
    private static async Task<int> IngestThroughGatewayAsync(
        GatewayEndpoint endpoint,
        string datasetId,
        int workingSize,
        string? prefix,
        (IReadOnlyList<string> Paths, IReadOnlyDictionary<string, string>? Truth)? upload,
        bool noWait,
        TextWriter error,
        CancellationToken cancellationToken)
    {
        using var client = new GatewayClient(endpoint);
        var (created, status) = await ProgressDisplay.RunAsync(async progress =>
        {
            client.OnRetry = progress.Warning;
            var session = new GatewaySession(client, datasetId, progress);
            var created = upload is { } files
                ? await session.UploadAsync(UploadFiles(files.Paths, files.Truth), workingSize, cancellationToken)
                : await client.CreateFromPrefixAsync(new CreateFromPrefixRequest(datasetId, prefix!, workingSize), cancellationToken);
            return (created, noWait ? created.Status : await session.WaitForEmbeddingsAsync(created.Status, cancellationToken));
        });
        if (upload is not null || created.Uploaded + created.Kept > 0)
        {
            error.WriteLine($"{created.Uploaded} files uploaded, {created.Kept} already there");
        }

        // DICOM files (uploaded, or under the prefix) the gateway could not import, each with why.
        var notIngested = created.NotIngested ?? [];
        if (notIngested.Count > 0)
        {
            error.WriteLine($"{notIngested.Count} files not ingested:");
            foreach (var refusal in notIngested)
            {
                error.WriteLine("  " + refusal);
            }
        }

        StatusView.Write(status);
        return status.Failed > 0 || notIngested.Count > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
    }

    /// <summary>The upload's files: images by file name, ground truth under its image's name; every name checked before anything is sent.</summary>
    private static UploadFile[] UploadFiles(IReadOnlyList<string> imagePaths, IReadOnlyDictionary<string, string>? truthByImage) =>
        imagePaths.Select(p => new UploadFile(p, "images", ResourceId.Validate(Path.GetFileName(p), "image")))
            .Concat(truthByImage?.Select(t => new UploadFile(t.Value, "truth", ResourceId.Validate(t.Key, "image"))) ?? [])
            .ToArray();

    /// <summary>
    /// The dataset id the folder goes to: the one asked for unless it holds other images, which is refused naming the
    /// first differing file (nothing is uploaded), or with --new-version answered by the next free version.
    /// </summary>
    internal static async Task<string> TargetAsync(
        IBlobStore blobs, string dataset, IReadOnlyList<string> paths, IReadOnlyDictionary<string, string>? truth, bool newVersion, CancellationToken cancellationToken)
    {
        if (newVersion)
        {
            return await DatasetContent.FreeVersionAsync(blobs, dataset, paths, truth, cancellationToken);
        }

        return await DatasetContent.FirstDifferenceAsync(blobs, dataset, paths, truth, cancellationToken) is { } difference
            ? throw new DatasetException($"Dataset '{dataset}' already holds other images: {difference}. Nothing was uploaded; use another dataset id, or --new-version to ingest this folder as a new version of it.")
            : dataset;
    }

    internal static (IReadOnlyList<string> Images, IReadOnlyDictionary<string, string>? Truth) ListFolder(DirectoryInfo images, DirectoryInfo? masks, DicomStaging dicom)
    {
        if (dicom.Files > 0 && dicom.ImagePaths.Count == 0 && !images.EnumerateFiles().Any(f => ImageFile.SupportedExtensions.Contains(f.Extension)))
        {
            throw new DatasetException($"{images.FullName}: none of its {dicom.Files} DICOM files could be read:{Environment.NewLine}{string.Join(Environment.NewLine, dicom.Failures.Select(f => "  " + f))}");
        }

        if (masks is not null)
        {
            var labeled = LabeledDataset.Open(images.FullName, masks.FullName, dicom.ImagePaths);
            return (labeled.Images.Select(i => i.ImagePath).ToArray(), labeled.Images.ToDictionary(i => i.Name, i => i.MaskPath, StringComparer.Ordinal));
        }

        if (!images.Exists)
        {
            throw new DirectoryNotFoundException($"{images.FullName}: folder not found.");
        }

        var paths = images.EnumerateFiles()
            .Where(f => ImageFile.SupportedExtensions.Contains(f.Extension))
            .Select(f => f.FullName)
            .Concat(dicom.ImagePaths)
            .OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal)
            .ToArray();
        return paths.Length == 0 ? throw new DatasetException($"{images.FullName}: no images (.png, .jpg, .jpeg, .bmp, .dcm).") : (paths, null);
    }
}
