using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Client.Serve;
using SamMpa.Imaging.Sam;

namespace SamMpa.Client.Commands;

/// <summary>
/// `sammpa serve`: the whole web workflow on one machine in one process. The embedded silo (local storage under
/// --home) and the HTTP gateway on 127.0.0.1; prints the web app's URL and an API key (the same one at every start with
/// the same home), optionally opens a folder as a dataset, and serves until Ctrl-C or SIGTERM. The printed lines
/// (<c>URL: </c>, <c>API key: </c>, <c>Dataset: </c>) are meant to be read by scripts as well as people.
/// </summary>
internal static class ServeCommand
{
    public const string UrlLine = "URL: ";
    public const string KeyLine = "API key: ";
    public const string DatasetLine = "Dataset: ";

    /// <param name="serving">
    /// Called once the server is up (and the folder opened), before it waits for the signal: how a test reaches the
    /// running server, e.g. to make a second key as an admin would with <c>sammpa keys create</c>.
    /// </param>
    public static Command Create(Func<LocalWebServer, Task>? serving = null)
    {
        var port = new Option<int>("--port")
        {
            Description = "Port of the web app and the API on 127.0.0.1 (0: a free port, printed).",
            DefaultValueFactory = _ => 8080,
        };
        var home = ClusterOptions.Home();
        var open = new Option<DirectoryInfo?>("--open")
        {
            Description = "A folder of images (PNG, JPEG, BMP) to open as a dataset owned by the printed key (again: the same dataset).",
        };
        var truth = new Option<DirectoryInfo?>("--truth")
        {
            Description = "With --open: ground-truth masks named like the images; runs are then scored (Dice).",
        };
        var id = new Option<string?>("--id")
        {
            Description = "With --open: the dataset id (default: the folder's name).",
        };
        var workingSize = new Option<int>("--working-size")
        {
            Description = "With --open: side of the working grid.",
            DefaultValueFactory = _ => 256,
        };
        var sam = new Option<DirectoryInfo?>("--sam")
        {
            Description = "A SAM model package (encoder.onnx, decoder.onnx, sam.json): runs may then use the stages pa,pr.",
        };

        var command = new Command("serve", "Run the embedded silo and the HTTP gateway with its web app on 127.0.0.1: prints the URL and an API key; Ctrl-C stops.")
        {
            port, home, open, truth, id, workingSize, sam,
        };
        command.SetAction(async (parse, cancellationToken) => await CommandErrors.RunAsync(parse, cancellationToken, async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;

            // Everything the user gave is checked before the silo starts.
            var portNumber = parse.GetValue(port);
            if (portNumber is < 0 or > 65535)
            {
                throw new ArgumentException($"--port {portNumber}: use 1-65535, or 0 for a free port.");
            }

            FolderDataset? folder = null;
            if (parse.GetValue(open) is { } openFolder)
            {
                folder = FolderDataset.List(openFolder, parse.GetValue(truth), parse.GetValue(id), parse.GetValue(workingSize));
            }
            else if (new Option[] { truth, id, workingSize }.FirstOrDefault(o => parse.GetResult(o) is { Implicit: false }) is { } stray)
            {
                throw new ArgumentException($"{stray.Name} goes with --open FOLDER.");
            }

            var samPackage = parse.GetValue(sam)?.FullName;
            if (samPackage is not null)
            {
                // Opened once here so that a bad package is this command's error, naming what is wrong, not a failed run.
                SamPackage.Load(samPackage).Dispose();
            }

            var homeFolder = parse.GetValue(home)!.FullName;
            var progress = new PlainProgress(error);
            await using var server = await LocalWebServer.StartAsync(
                ClientSettings.Load(settingsFile: null),
                homeFolder,
                portNumber,
                new Dictionary<string, string?> { ["Models:SamPackage"] = samPackage },
                CommonOptions.ToRegistrationOptions(Environment.ProcessorCount, parameterFiles: null, timeoutSeconds: 120, elastix: "elastix"),
                new ProgressLoggerProvider(progress),
                cancellationToken);

            var key = await LocalUserKey.EnsureAsync(server, homeFolder);
            output.WriteLine(UrlLine + server.AppPage);
            output.WriteLine(KeyLine + key.Secret);
            error.WriteLine(key.Created
                ? $"serve: a new API key of '{LocalUserKey.Principal}', kept in {LocalUserKey.PathIn(homeFolder)}; sign in with it at the URL."
                : $"serve: the API key of '{LocalUserKey.Principal}' kept in {LocalUserKey.PathIn(homeFolder)}; sign in with it at the URL.");

            if (folder is not null)
            {
                var status = await folder.OpenAsync(server.Cluster, key.Secret, progress, cancellationToken);
                output.WriteLine(DatasetLine + server.DatasetPage(folder.Id));
                error.WriteLine($"serve: dataset '{folder.Id}', {status.Images} images, {status.Phase}.");
            }

            if (serving is not null)
            {
                await serving(server);
            }

            error.WriteLine("serve: serving until Ctrl-C.");
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return ExitCodes.Success;
        }));
        return command;
    }
}
