using SamMpa.Bench.Registration;
using SamMpa.Bench.Results;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Phantoms;
using SamMpa.Imaging.Registration;

namespace SamMpa.Bench.Suites;

/// <summary>
/// Stage MP's throughput: the same pairs through a naive sequential loop around elastix, then through the stage
/// (ElastixMaskPropagator fanned out as the registration workers run it) with 1 and as many workers as cores, and through
/// the cluster with its admission control, against the limit of cores / single-registration time and against the
/// machine's ceiling (one naive loop per core, side by side).
/// </summary>
public sealed class RegistrationBench : IBenchSuite
{

    public string Name => "registration";

    public async Task<IReadOnlyList<BenchTable>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var registration = new RegistrationOptions();
        ElastixTools.EnsureAvailable(registration);
        var (pairCount, rounds, workingSize) = options.Quick ? (4, 1, 128) : (40, 2, 256);
        using var phantoms = options.Quick ? new TemporaryFolder("sammpa-bench-reg-") : null;
        string images, masks, source;
        if (phantoms is not null)
        {
            PhantomDataset.Write(phantoms.Path, pairCount + 1, size: 128);
            (images, masks, source) = (PhantomDataset.ImagesDirectory(phantoms.Path), PhantomDataset.MasksDirectory(phantoms.Path), "phantoms (128x128)");
        }
        else
        {
            var cxr = Path.Combine(options.DataDirectory, "cxr-lung");
            (images, masks, source) = (Path.Combine(cxr, "images"), Path.Combine(cxr, "masks"), "cxr-lung");
        }

        var pairs = RegistrationPair.Load(images, masks, pairCount, workingSize);
        try
        {
            var cores = Environment.ProcessorCount;
            int[] workerCounts = cores > 2 ? [1, 2, cores] : [1, 2];
            var naiveSingle = new NaiveElastixLoop(registration.ParameterFiles, singleThreaded: true);
            var naiveDefault = new NaiveElastixLoop(registration.ParameterFiles, singleThreaded: false);
            var stage = new RegistrationBenchmark(registration, SilentProgress.Instance);
            BenchLog.Line($"registration: a dataset of the {pairs.Count} supports on an in-process silo (embedding, K = 1; not timed)");
            await using var cluster = await ClusterRegistrationRun.StartAsync(pairs, workingSize, cancellationToken);
            // One untimed registration (and one untimed cluster run) first: the first elastix run of a session pays for
            // loading its libraries, the first cluster run for activating grains and the JIT.
            BenchLog.Line($"registration: warm-up");
            _ = await stage.MeasureStageAsync(pairs.Take(1).ToArray(), 1, "warm-up", cancellationToken);
            _ = await cluster.RunAsync(cancellationToken);
            double naiveSingleWall = 0, naiveDefaultWall = 0, ceilingWall = 0, clusterWall = 0;
            var stageWall = workerCounts.ToDictionary(w => w, _ => 0.0);
            for (var round = 1; round <= rounds; round++)
            {
                BenchLog.Line($"registration round {round}/{rounds}: naive loop, elastix -threads 1 ({pairs.Count} pairs)");
                naiveSingleWall += await naiveSingle.RunAsync(pairs, cancellationToken);
                BenchLog.Line($"registration round {round}/{rounds}: naive loop, elastix's default threads");
                naiveDefaultWall += await naiveDefault.RunAsync(pairs, cancellationToken);
                BenchLog.Line($"registration round {round}/{rounds}: {cores} naive loops side by side (the machine's ceiling)");
                ceilingWall += await naiveSingle.RunSideBySideAsync(pairs, cores, cancellationToken);
                foreach (var workers in workerCounts)
                {
                    BenchLog.Line($"registration round {round}/{rounds}: stage with {workers} worker(s)");
                    stageWall[workers] += (await stage.MeasureStageAsync(pairs, workers, $"stage {workers}", cancellationToken)).WallSeconds;
                }

                BenchLog.Line($"registration round {round}/{rounds}: cluster run with admission control ({cluster.Queries} queries)");
                clusterWall += await cluster.RunAsync(cancellationToken);
            }

            var total = pairs.Count * rounds;
            var clusterTotal = cluster.Queries * rounds;
            var baseline = total / naiveSingleWall;
            var single = stageWall[1] / total;
            var limit = cores / single;
            var ceiling = total / ceilingWall;
            var rows = new List<IReadOnlyDictionary<string, object?>>
            {
                Phase("naive loop (elastix -threads 1, one pair at a time)", total, naiveSingleWall, baseline, limit, ceiling),
                Phase("naive loop (elastix default threads, one pair at a time)", total, naiveDefaultWall, baseline, limit, ceiling),
                Phase($"{cores} naive loops side by side (-threads 1; the machine's ceiling)", total, ceilingWall, baseline, limit, ceiling),
            };
            rows.AddRange(workerCounts.Select(w => Phase($"stage, {w} worker{(w == 1 ? string.Empty : "s")}", total, stageWall[w], baseline, limit, ceiling)));
            rows.Add(Phase($"cluster run, {cores} registration slots, admission control (K = 1)", clusterTotal, clusterWall, baseline, limit, ceiling));
            var full = total / stageWall[cores];
            var through = clusterTotal / clusterWall;
            BenchLog.Line($"registration: single {single:0.000} s, limit {limit:0.00} pairs/s, ceiling {ceiling:0.00} pairs/s; {cores} workers {full:0.00} pairs/s = {full / limit:P0} of the limit, {full / ceiling:P0} of the ceiling; cluster {through:0.00} pairs/s = {through / limit:P0} of the limit, {through / ceiling:P0} of the ceiling");
            IReadOnlyList<BenchTable> tables =
            [
                new BenchTable(
                    "Registration stage (MP)",
                    "the stage's throughput with 1 and as many workers as cores, and through the cluster with admission control, against a naive sequential loop calling elastix and transformix the same way, against the limit cores / single-registration time, and against the machine's ceiling (one naive loop per core, side by side).",
                    ["phase", "pairs", "wall s", "pairs per s", "vs naive (-threads 1)", "share of limit", "share of ceiling"],
                    rows,
                    [
                        $"Pairs: {pairs.Count} from {source} (support i+1 onto query i) at {workingSize}x{workingSize}, {rounds} round(s) after one untimed warm-up registration and one untimed cluster run; each round runs every phase once, in the order listed, so drift hits all alike.",
                        $"Single-registration time (stage, 1 worker): {single:0.000} s; limit = {cores} cores / {single:0.000} s = {limit:0.00} pairs per s. It assumes a core runs elastix as fast when the other cores are busy; the ceiling measures what they really give: {ceiling:0.00} pairs per s = {ceiling / limit:0.00} of the limit.",
                        $"{cores} workers reach {full:0.00} pairs per s: {full / limit:0.00} of the limit, {full / ceiling:0.00} of the ceiling. The cluster run reaches {through:0.00} pairs per s: {through / limit:0.00} of the limit, {through / ceiling:0.00} of the ceiling (1.00 = every core busy with no overhead).",
                        "The stage: ElastixMaskPropagator (the registration workers' propagator: own work folder per pair, elastix then transformix, one thread each), fanned out with Parallel.ForEachAsync; the naive loop: the same .mha files, parameter maps and transformix warp, one pair after the other.",
                        $"The cluster run: the {pairs.Count} supports of the pairs as one dataset (working size {workingSize}) on an in-process silo of role all with local storage; K = 1, so each run registers the selected support onto the other {cluster.Queries} images through IDatasetGrain.RunAsync, the image grains and IRegistrationWorker.SegmentQueryAsync (decode, register in a registration slot, fuse, write the masks, Dice), timed from RunAsync to the DatasetCompleted event; the dataset keeps Job:CallsPerRegistrationSlot x slots queries in flight.",
                    ]),
            ];
            return tables;
        }
        finally
        {
            foreach (var pair in pairs)
            {
                pair.Dispose();
            }
        }
    }

    private static IReadOnlyDictionary<string, object?> Phase(string name, int pairs, double wall, double baseline, double limit, double ceiling) => Row.Of(
        ("phase", name),
        ("pairs", pairs),
        ("wall s", wall),
        ("pairs per s", pairs / wall),
        ("vs naive (-threads 1)", pairs / wall / baseline),
        ("share of limit", pairs / wall / limit),
        ("share of ceiling", pairs / wall / ceiling));
}
