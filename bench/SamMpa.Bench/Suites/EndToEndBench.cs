using System.Diagnostics;
using System.Text.Json;
using SamMpa.Bench.Results;

namespace SamMpa.Bench.Suites;

/// <summary>
/// The product end to end: `sammpa eval --shots 1 5 10` (a child process, embedded silo, fresh storage) on each data
/// set present, and per K its wall time, queries per second and Dice as the command's summary.json reports them.
/// </summary>
public sealed class EndToEndBench : IBenchSuite
{
    private static readonly int[] Shots = [1, 5, 10];

    public string Name => "end-to-end";

    public async Task<IReadOnlyList<BenchTable>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        if (!File.Exists(options.SammpaDll))
        {
            throw new FileNotFoundException($"{options.SammpaDll} is missing: build src/Client in Release first (bench/run does).", options.SammpaDll);
        }

        using var scratch = new TemporaryFolder("sammpa-bench-e2e-");
        var inputs = BenchInputs.Find(options, scratch.Path, "end-to-end");
        var stages = options.SamPackage is null ? "es,mp" : "es,mp,pa,pr";
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var notes = new List<string>();
        foreach (var (name, images, masks) in inputs)
        {
            var output = Path.Combine(scratch.Path, "out-" + name.Split(' ')[0]);
            string[] arguments =
            [
                options.SammpaDll, "eval", "--images", images, "--masks", masks, "--shots", .. Shots.Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                "--stages", stages, "--out", output, "--home", Path.Combine(scratch.Path, "home-" + name.Split(' ')[0]),
                .. options.SamPackage is null ? Array.Empty<string>() : ["--sam", options.SamPackage],
                .. options.Quick ? ["--working-size", BenchInputs.QuickSize.ToString(System.Globalization.CultureInfo.InvariantCulture)] : Array.Empty<string>(),
            ];
            BenchLog.Line($"end-to-end: sammpa eval on {name}, K = {string.Join(", ", Shots)}, stages {stages}");
            var clock = Stopwatch.StartNew();
            await RunEvalAsync(arguments, cancellationToken);
            var processSeconds = clock.Elapsed.TotalSeconds;

            using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(output, "summary.json"), cancellationToken));
            var root = summary.RootElement;
            notes.Add($"{name}: {root.GetProperty("images").GetInt32()} images; embedding ({root.GetProperty("encoder").GetString()}) {Number(root, "embedding_seconds"):0.0} s; the whole command {processSeconds:0.0} s.");
            foreach (var run in root.GetProperty("runs").EnumerateArray())
            {
                var queries = run.GetProperty("queries").GetInt32();
                var wall = Number(run, "wall_seconds");
                rows.Add(Row.Of(
                    ("data", name),
                    ("K", run.GetProperty("shots").GetInt32()),
                    ("queries", queries),
                    ("failed", run.GetProperty("failed").GetInt32()),
                    ("wall s", wall),
                    ("queries per s", queries / wall),
                    ("coarse Dice mean", Number(run, "dice_mean")),
                    ("coarse Dice median", Number(run, "dice_median")),
                    ("final Dice mean", options.SamPackage is null ? "no SAM" : Number(run, "final_dice_mean")),
                    ("final Dice median", options.SamPackage is null ? "no SAM" : Number(run, "final_dice_median"))));
            }
        }

        notes.Add("wall s: one K's run as summary.json reports it (select, annotate, segment every query, download the masks), after the shared embedding; queries per s = queries / wall s.");
        notes.Add("Coarse Dice: the masks after MP (registration), over the queries that did not fail.");
        notes.Add(options.SamPackage is null
            ? "Final Dice (after PA + PR, SAM): not measured, no SAM package was given (--sam DIR; no SAM weights ship with the repository)."
            : $"Final Dice: SAM package {options.SamPackage}, stages es,mp,pa,pr, one refinement round.");
        if (options.Quick)
        {
            notes.Add($"Quick run: {BenchInputs.QuickImages} phantom images ({BenchInputs.QuickSize}x{BenchInputs.QuickSize}, working size {BenchInputs.QuickSize}), not the data sets of the issue.");
        }

        IReadOnlyList<BenchTable> tables =
        [
            new BenchTable(
                "End to end",
                $"`sammpa eval --shots {string.Join(' ', Shots)} --stages {stages}` on each data set (embedded silo, fresh storage): wall time, throughput and Dice per K.",
                ["data", "K", "queries", "failed", "wall s", "queries per s", "coarse Dice mean", "coarse Dice median", "final Dice mean", "final Dice median"],
                rows,
                notes),
        ];
        return tables;
    }

    private static double Number(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : double.NaN;

    /// <summary>Runs the command; exit 0, or 3 (some images failed: they show in the table), is a result.</summary>
    private static async Task RunEvalAsync(IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        await output;
        if (process.ExitCode is not (0 or 3))
        {
            var tail = string.Join('\n', (await errors).Split('\n').TakeLast(15));
            throw new InvalidOperationException($"sammpa eval exited with code {process.ExitCode}:\n{tail}");
        }
    }
}
