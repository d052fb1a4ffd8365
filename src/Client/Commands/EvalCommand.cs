using System.CommandLine;
using SamMpa.Client.Evaluation;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Dicom.Import;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Sam;

namespace SamMpa.Client.Commands;

/// <summary>`sammpa eval`: supports, propagation and Dice on a labelled folder.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var images = CommonOptions.Images();
        images.Required = false; // or --dicomweb
        images.Description += " Or --dicomweb URL with --study, --series or --query: the archive's instances (ground truth in --masks as {SOP Instance UID}.png).";
        var masks = CommonOptions.Masks();
        var shots = new Option<int[]>("--shots")
        {
            Description = "Number of supports K; several values (--shots 1 5 10) make one run each, sharing the embeddings.",
            AllowMultipleArgumentsPerToken = true,
            DefaultValueFactory = _ => [10],
        };
        var stages = new Option<string?>("--stages")
        {
            Description = "Stages to run: es (support selection; without it supports are random with a fixed seed), mp (mask propagation), loc (localisation from the supports' dense features; with mp the two are averaged), rf (GrabCut refinement without SAM), pa (SAM prompted by the coarse mask; needs --sam), pr (post-refinement); auto instead of mp/loc/rf chooses among them (and 1 or up to 3 atlases) per dataset by leave-one-out on the supports. Default: es,auto,pa,pr with --sam, else es,auto.",
        };
        var output = new Option<DirectoryInfo>("--out")
        {
            Description = "Output folder: coarse masks per run, per_image.csv, summary.json.",
            DefaultValueFactory = _ => new DirectoryInfo("out"),
        };
        var workingSize = new Option<int>("--working-size")
        {
            Description = "Side of the square working grid images are resampled to (the paper's 256).",
            DefaultValueFactory = _ => 256,
        };
        var samEncoder = new Option<FileInfo?>("--sam-encoder")
        {
            Description = "A SAM image-encoder ONNX to embed with (default: the bundled ResNet18).",
        };
        var device = new Option<string>("--device")
        {
            Description = "cpu or cuda (falls back to cpu with a warning where CUDA is missing).",
            DefaultValueFactory = _ => "cpu",
        };
        var home = ClusterOptions.Home();
        var cluster = ClusterOptions.UseCluster();
        var settings = ClusterOptions.Settings();
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the random supports drawn when es is not among the stages.",
            DefaultValueFactory = _ => 20240601,
        };
        var atlases = new Option<int>("--atlases")
        {
            Description = "Supports each query is registered to, soft masks averaged: 1 is the published method; more add the next-nearest supports.",
            DefaultValueFactory = _ => 1,
        };
        var sam = new Option<DirectoryInfo?>("--sam")
        {
            Description = "A SAM model package (encoder.onnx, decoder.onnx, sam.json); its encoder also embeds for selection.",
        };
        var method = new Option<string>("--method")
        {
            Description = "sam-mpa, or a baseline (needs --sam): manual-point, manual-box, manual-point-box (prompts from the ground truth), persam.",
            DefaultValueFactory = _ => "sam-mpa",
        };
        var refine = new Option<int>("--refine")
        {
            Description = "Post-refinement rounds when pr is among the stages.",
            DefaultValueFactory = _ => 1,
        };
        var boxMargin = new Option<int>("--box-margin")
        {
            Description = "Pixels added around the coarse mask's box (and its background points).",
            DefaultValueFactory = _ => 0,
        };
        var maskDilation = new Option<int>("--mask-dilation")
        {
            Description = "Radius in pixels the coarse mask is dilated by before it becomes prompts.",
            DefaultValueFactory = _ => 0,
        };
        var foregroundPoint = new Option<string>("--foreground-point")
        {
            Description = "centroid (method.md) or interior (the most interior pixel; stays inside non-convex targets such as two lungs).",
            DefaultValueFactory = _ => "centroid",
        };
        var stratifyBy = StratifyOptions.StratifyBy();
        var minShare = StratifyOptions.MinStratumShare();
        var parallel = CommonOptions.Parallelism();
        var parameterFiles = CommonOptions.ParameterFiles();
        var timeout = CommonOptions.RegistrationTimeout();
        var elastix = CommonOptions.Elastix();

        var command = new Command("eval", "Select K supports, propagate their masks to every other image, and score against the ground truth.")
        {
            images, masks, shots, stages, output, workingSize, samEncoder, device, seed, atlases, sam, method, refine, boxMargin, maskDilation,
            foregroundPoint, parallel, parameterFiles, timeout, elastix, home, cluster, settings, stratifyBy, minShare,
        };
        var dicomWeb = new DicomWebSourceOptions();
        dicomWeb.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            return await CommandErrors.RunAsync(parse, cancellationToken, async () =>
            {
                if (parse.GetValue(cluster))
                {
                    ClusterOptions.RefuseNotForwarded(parse);
                }

                if (dicomWeb.GivenWithoutRoot(parse).ToArray() is { Length: > 0 } stray)
                {
                    throw new ArgumentException($"{string.Join(", ", stray)} only go(es) with --dicomweb URL.");
                }

                if (dicomWeb.IsGiven(parse) == (parse.GetValue(images) is not null))
                {
                    throw new ArgumentException("Give --images DIR, or --dicomweb URL with --study, --series or --query: one source of images.");
                }

                var options = new EvalOptions
                {
                    ImagesDirectory = parse.GetValue(images)?.FullName ?? "",
                    MasksDirectory = parse.GetValue(masks)!.FullName,
                    OutputDirectory = parse.GetValue(output)!.FullName,
                    Shots = parse.GetValue(shots)!,
                    Stages = StageParser.Parse(parse.GetValue(stages) ?? (parse.GetValue(sam) is null ? StageParser.Default : StageParser.DefaultWithSam)),
                    WorkingSize = parse.GetValue(workingSize),
                    SamEncoderPath = parse.GetValue(samEncoder)?.FullName,
                    Device = CommonOptions.ParseDevice(parse.GetValue(device)!),
                    RandomSupportSeed = parse.GetValue(seed),
                    Atlases = parse.GetValue(atlases),
                    StratifyBy = StratifyOptions.Field(parse.GetValue(stratifyBy)),
                    MinStratumShare = parse.GetValue(minShare),
                    SamPackageDirectory = parse.GetValue(sam)?.FullName,
                    Method = SegmentationMethods.Parse(parse.GetValue(method)!),
                    Refine = parse.GetValue(refine),
                    Prompts = new PromptOptions
                    {
                        BoxMargin = parse.GetValue(boxMargin),
                        MaskDilation = parse.GetValue(maskDilation),
                        ForegroundPoint = ParseForegroundPoint(parse.GetValue(foregroundPoint)!),
                    },
                    Registration = CommonOptions.ToRegistrationOptions(
                        parse.GetValue(parallel), parse.GetValue(parameterFiles), parse.GetValue(timeout), parse.GetValue(elastix)!),
                };
                // DICOM files (or the archive's instances) become images first: their ground truth is checked with the rest.
                using var dicom = dicomWeb.IsGiven(parse)
                    ? await dicomWeb.RetrieveAsync(parse, cancellationToken)
                    : await DicomStaging.ConvertAsync(options.ImagesDirectory, new DicomImporter(), cancellationToken);
                options = options with { ImagesDirectory = dicom.EmptyImagesFolder ?? options.ImagesDirectory };
                ClusterEval.Validate(options, dicom);

                // The embedded silo sends the SEGs back to the archive the instances came from (a cluster: its own DicomWeb:*).
                var overrides = EmbeddedOverrides(options);
                if (dicomWeb.IsGiven(parse))
                {
                    foreach (var (key, value) in dicomWeb.SiloSettings(parse))
                    {
                        overrides[key] = value;
                    }
                }

                using var calls = new CallHealth();
                var report = await ProgressDisplay.RunAsync(async progress =>
                {
                    await using var connection = await ClusterOptions.ConnectOrEmbedAsync(
                        parse.GetValue(cluster), parse.GetValue(settings), parse.GetValue(home)!, overrides, options.Registration, progress, cancellationToken);
                    return (await new ClusterEval(connection, options, progress, dicom).RunAsync(cancellationToken)).Report;
                });

                ResultTable.Write(System.Console.Out, report, options.OutputDirectory);
                DicomFailureView.Write(dicom);
                System.Console.Out.WriteLine(calls.Summary(embedded: !parse.GetValue(cluster)));
                return report.Runs.Any(r => r.Failed > 0) || dicom.Failures.Count > 0 ? ExitCodes.SomeImagesFailed : ExitCodes.Success;
            });
        });
        return command;
    }

    /// <summary>What the embedded silo needs from the eval options: the models and the job's bounds.</summary>
    internal static Dictionary<string, string?> EmbeddedOverrides(EvalOptions options) => new()
    {
        ["Models:SamPackage"] = options.SamPackageDirectory,
        ["Models:SamEncoder"] = options.SamEncoderPath,
        ["Models:Device"] = options.Device.ToString(),
    };

    private static ForegroundPoint ParseForegroundPoint(string text) => text.ToLowerInvariant() switch
    {
        "centroid" => ForegroundPoint.Centroid,
        "interior" => ForegroundPoint.Interior,
        _ => throw new ArgumentException($"Unknown --foreground-point '{text}'; use centroid or interior."),
    };
}
