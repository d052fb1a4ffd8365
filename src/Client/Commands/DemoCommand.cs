using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using SamMpa.Client.Evaluation;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Phantoms;

namespace SamMpa.Client.Commands;

/// <summary>
/// `sammpa demo`: the main job end to end on a fresh machine with nothing to bring. Writes a phantom dataset, then runs
/// what `sammpa eval` runs on an embedded silo (select, annotate from the ground truth, run) and draws every query
/// with its coarse and final mask outlined.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Output folder: data/ (the generated images and masks), the eval outputs, overlays/.",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("out", "demo")),
        };
        var images = new Option<int>("--images")
        {
            Description = "Number of phantom images to generate (three anatomies, each under several deformations).",
            DefaultValueFactory = _ => 24,
        };
        var shots = new Option<int>("--shots")
        {
            Description = "Number of supports K, annotated from the ground truth.",
            DefaultValueFactory = _ => 3,
        };
        var sam = new Option<DirectoryInfo?>("--sam")
        {
            Description = "A SAM model package (encoder.onnx, decoder.onnx, sam.json): adds the stages pa,pr and a final mask per image.",
        };
        var home = ClusterOptions.Home();
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the phantom dataset: the same seed gives the same images.",
            DefaultValueFactory = _ => 1,
        };

        var command = new Command("demo", "Generate a phantom dataset and run the main job on it in this process: select, annotate, run, then Dice and overlay images.")
        {
            output, images, shots, sam, home, seed,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await CommandErrors.RunAsync(parse, cancellationToken, async () =>
            {
                var clock = Stopwatch.StartNew();
                var outputDirectory = parse.GetValue(output)!.FullName;
                var count = parse.GetValue(images);
                var k = parse.GetValue(shots);
                if (count < 2)
                {
                    throw new ArgumentException($"--images {count}: the demo needs at least 2 images (supports and queries).");
                }

                if (k < 1 || k >= count)
                {
                    // Checked before the silo starts: a silo stopped right after its start logs stream noise.
                    throw new ArgumentException($"--shots {k}: K must be 1..{count - 1} with --images {count}, so that some images are left as queries.");
                }

                var data = Path.Combine(outputDirectory, "data");
                PhantomDataset.Write(data, count, parse.GetValue(seed));
                System.Console.Error.WriteLine(
                    $"demo: {count} phantom images ({PhantomDataset.DefaultSize}x{PhantomDataset.DefaultSize}, {PhantomDataset.DefaultAnatomies} anatomies) with their masks in {data}");

                var samPackage = parse.GetValue(sam)?.FullName;
                var options = new EvalOptions
                {
                    ImagesDirectory = PhantomDataset.ImagesDirectory(data),
                    MasksDirectory = PhantomDataset.MasksDirectory(data),
                    OutputDirectory = outputDirectory,
                    Shots = [k],
                    Stages = StageParser.Parse(samPackage is null ? "es,mp" : "es,mp,pa,pr"),
                    SamPackageDirectory = samPackage,
                    RandomSupportSeed = parse.GetValue(seed),
                    Registration = CommonOptions.ToRegistrationOptions(Environment.ProcessorCount, parameterFiles: null, timeoutSeconds: 120, elastix: "elastix"),
                };

                using var calls = new CallHealth();
                var outcome = await ProgressDisplay.RunAsync(async progress =>
                {
                    await using var connection = await ClusterOptions.ConnectOrEmbedAsync(
                        useCluster: false, settingsFile: null, parse.GetValue(home)!, EvalCommand.EmbeddedOverrides(options), options.Registration, progress, cancellationToken);
                    return await new ClusterEval(connection, options, progress).RunAsync(cancellationToken);
                });

                var report = outcome.Report;
                var overlays = Path.Combine(outputDirectory, "overlays");
                var run = report.Runs.Single();
                var drawn = WriteOverlays(options, run.Run, outcome.ResultsByRun[run.Run], overlays);

                ResultTable.Write(System.Console.Out, report, outputDirectory);
                System.Console.Out.WriteLine(
                    $"overlays: {overlays} ({drawn} queries; coarse mask outlined in yellow, final in cyan{(samPackage is null ? ", which without --sam is the coarse one" : string.Empty)})");
                System.Console.Out.WriteLine(calls.Summary(embedded: true));
                System.Console.Out.WriteLine($"demo wall time: {clock.Elapsed.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
                return run.Failed > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>
    /// One overlay per query the run segmented: the image with its coarse mask and its final mask (the coarse one without
    /// SAM) outlined. Overlays of earlier demos in the folder that are not queries now go.
    /// </summary>
    private static int WriteOverlays(EvalOptions options, string run, IReadOnlyList<QueryResult> results, string overlays)
    {
        var segmented = results.Where(r => !r.Failed).Select(r => r.Image).ToArray();
        Directory.CreateDirectory(overlays);
        var names = segmented.Select(image => Path.ChangeExtension(image, ".png")).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in Directory.EnumerateFiles(overlays, "*.png").Where(f => !names.Contains(Path.GetFileName(f))).ToArray())
        {
            File.Delete(stale);
        }

        var runDirectory = Path.Combine(options.OutputDirectory, run);
        foreach (var image in segmented)
        {
            var maskName = Path.ChangeExtension(image, ".png");
            var coarsePath = Path.Combine(runDirectory, "coarse", maskName);
            var finalPath = Path.Combine(runDirectory, "final", maskName);
            using var gray = ImageFile.Read(Path.Combine(options.ImagesDirectory, image));
            using var coarse = ImageFile.ReadMask(coarsePath);
            using var final = File.Exists(finalPath) ? ImageFile.ReadMask(finalPath) : null;
            MaskOverlay.WritePng(gray, coarse, final ?? coarse, Path.Combine(overlays, maskName));
        }

        return segmented.Length;
    }
}
