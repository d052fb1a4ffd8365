using System.Diagnostics;
using System.Globalization;
using SamMpa.Bench.Orchestration;
using SamMpa.Bench.Results;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Imaging.Metrics;
using SamMpa.Storage;

namespace SamMpa.Bench.Suites;

/// <summary>
/// What the cluster costs per image: a run of N phantoms through IDatasetGrain on an in-process silo with the Identity
/// stand-in (no elastix), against the same per-image work called on the library in a plain loop.
/// </summary>
public sealed class OrchestrationBench : IBenchSuite
{
    private const int Size = 64;
    private const int K = 10;
    private const double TargetMilliseconds = 5;
    private const int MeasuredRuns = 3;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(20);

    public string Name => "orchestration";

    public async Task<IReadOnlyList<BenchTable>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var count = options.Quick ? 100 : 500;
        var parallelism = Environment.ProcessorCount;
        using var root = new TemporaryFolder("sammpa-bench-orch-");
        var clusterBlobs = new LocalFolderBlobStore(Path.Combine(root.Path, "silo"));
        var directBlobs = new LocalFolderBlobStore(Path.Combine(root.Path, "direct"));
        const string dataset = "bench-orchestration";
        await PhantomUpload.UploadAsync([clusterBlobs, directBlobs], dataset, count, Size, cancellationToken);

        await using var silo = await InProcessSilo.StartAsync(
            new Dictionary<string, string?>
            {
                ["Storage:LocalRoot"] = Path.Combine(root.Path, "silo"),
                ["Registration:Engine"] = "Identity",
                ["Models:DenseFeatures"] = "false",
            },
            cancellationToken);
        var grain = silo.Client.GetGrain<IDatasetGrain>(dataset);
        BenchLog.Line($"orchestration: creating a dataset of {count} phantoms ({Size}x{Size}) and embedding them");
        var embedSeconds = await DatasetPreparation.PrepareAsync(grain, dataset, Size, K, [clusterBlobs, directBlobs], Patience, cancellationToken);
        var events = await CompletionEvents.SubscribeAsync(silo.Client, dataset);

        // The first run of each path warms up grains, workers and the JIT; then the paths alternate, so that drift in
        // a shared machine's speed hits both, and the median of the measured runs is reported.
        BenchLog.Line($"orchestration: cluster run (warm-up), {count - K} queries");
        var (_, warmUp, supportOf) = await RunClusterAsync(grain, events, cancellationToken);
        if (warmUp.Failed > 0 || supportOf.Count != count - K)
        {
            throw new InvalidOperationException($"The cluster run segmented {warmUp.Segmented} of {warmUp.Queries} queries ({warmUp.Failed} failed); expected all {count - K}.");
        }

        var direct = new DirectSegmentation(directBlobs, dataset, Size, parallelism);
        BenchLog.Line($"orchestration: direct loop (warm-up)");
        await direct.RunAsync(supportOf, cancellationToken);
        var clusterWalls = new List<double>();
        var directWalls = new List<double>();
        DatasetCompleted completed = warmUp;
        var clock = new Stopwatch();
        for (var round = 1; round <= MeasuredRuns; round++)
        {
            BenchLog.Line($"orchestration: measured run {round}/{MeasuredRuns}: cluster, then direct");
            var (wall, done, _) = await RunClusterAsync(grain, events, cancellationToken);
            if (done.Failed > 0)
            {
                throw new InvalidOperationException($"Cluster run {round}: {done.Failed} of {done.Queries} queries failed.");
            }

            clusterWalls.Add(wall);
            completed = done;
            clock.Restart();
            await direct.RunAsync(supportOf, cancellationToken);
            directWalls.Add(clock.Elapsed.TotalSeconds);
        }

        var clusterWall = Statistics.Of(clusterWalls).Median;
        var directWall = Statistics.Of(directWalls).Median;
        var queries = supportOf.Count;
        var clusterMs = 1000 * clusterWall / queries;
        var directMs = 1000 * directWall / queries;
        var overhead = clusterMs - directMs;
        BenchLog.Line($"orchestration: cluster {clusterMs:0.00} ms/image, direct {directMs:0.00} ms/image, overhead {overhead:0.00} ms/image");
        IReadOnlyList<BenchTable> tables =
        [
            new BenchTable(
                "Orchestration overhead",
                $"the per-image cost of a run through the cluster (IDatasetGrain on an in-process silo, Registration:Engine=Identity) against the same per-image work called on the library in a plain loop; target: under {TargetMilliseconds} ms per image more.",
                ["path", "queries", "wall s", "ms per image", "overhead ms per image", $"under {TargetMilliseconds} ms"],
                [
                    Row.Of(("path", "cluster: IDatasetGrain run, to DatasetCompleted"), ("queries", queries), ("wall s", clusterWall), ("ms per image", clusterMs), ("overhead ms per image", overhead), ($"under {TargetMilliseconds} ms", overhead < TargetMilliseconds)),
                    Row.Of(("path", "direct: library calls in a parallel loop"), ("queries", queries), ("wall s", directWall), ("ms per image", directMs), ("overhead ms per image", null), ($"under {TargetMilliseconds} ms", null)),
                ],
                [
                    $"{count} phantom images of {Size}x{Size} (3 anatomies, deformed), K = {K}, working size {Size}; both paths write coarse and final mask PNGs to a LocalFolderBlobStore and score them against the ground truth.",
                    $"Cluster: one silo of role all, local storage in a temp folder, memory streams, Job:MaxInFlight at its default; timed from RunAsync to the DatasetCompleted event on the completion stream (the grain's own figure for the last run: {completed.WallSeconds:0.000} s). Its per-image cost includes the image grains, the worker calls, the state writes, the events and the report.",
                    $"Direct: per query, read the image, support and annotation blobs, working geometry, IdentityMaskPropagator, then QueryMasks (fuse, back to the original size, threshold, PNG, write, Dice), {parallelism} at a time (the cores, as many registration workers as the silo runs); same supports as the cluster's run.",
                    $"Wall s: the median of {MeasuredRuns} runs of each path, alternated, after one warm-up run of each (cluster runs: {string.Join(", ", clusterWalls.Select(w => w.ToString("0.000", CultureInfo.InvariantCulture)))} s; direct: {string.Join(", ", directWalls.Select(w => w.ToString("0.000", CultureInfo.InvariantCulture)))} s). Creating and embedding the dataset (ResNet18) took {embedSeconds:0.0} s and is part of neither.",
                ]),
        ];
        return tables;
    }

    private static async Task<(double Wall, DatasetCompleted Completed, IReadOnlyDictionary<string, string> SupportOf)> RunClusterAsync(
        IDatasetGrain grain, CompletionEvents events, CancellationToken cancellationToken)
    {
        var (wall, runId, completed) = await events.RunAsync(grain, Patience, cancellationToken);
        return (wall, completed, events.SupportsOf(runId));
    }
}
