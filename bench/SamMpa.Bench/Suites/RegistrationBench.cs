using SamMpa.Bench.Registration;
using SamMpa.Bench.Results;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Phantoms;
using SamMpa.Imaging.Registration;

namespace SamMpa.Bench.Suites;

/// <summary>
/// Stage MP's throughput: the same pairs through a naive sequential loop around elastix, then through the stage
/// (ElastixMaskPropagator fanned out as the registration workers run it) with 1 and 2 workers, against the limit of
/// cores / single-registration time.
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
            int[] workerCounts = Environment.ProcessorCount > 2 ? [1, 2, Environment.ProcessorCount] : [1, 2];
            var naiveSingle = new NaiveElastixLoop(registration.ParameterFiles, singleThreaded: true);
            var naiveDefault = new NaiveElastixLoop(registration.ParameterFiles, singleThreaded: false);
            var stage = new RegistrationBenchmark(registration, SilentProgress.Instance);
            // One untimed registration first: the first elastix run of a session pays for loading its libraries.
            BenchLog.Line($"registration: warm-up");
            _ = await stage.MeasureStageAsync(pairs.Take(1).ToArray(), 1, "warm-up", cancellationToken);
            double naiveSingleWall = 0, naiveDefaultWall = 0;
            var stageWall = workerCounts.ToDictionary(w => w, _ => 0.0);
            for (var round = 1; round <= rounds; round++)
            {
                BenchLog.Line($"registration round {round}/{rounds}: naive loop, elastix -threads 1 ({pairs.Count} pairs)");
                naiveSingleWall += await naiveSingle.RunAsync(pairs, cancellationToken);
                BenchLog.Line($"registration round {round}/{rounds}: naive loop, elastix's default threads");
                naiveDefaultWall += await naiveDefault.RunAsync(pairs, cancellationToken);
                foreach (var workers in workerCounts)
                {
                    BenchLog.Line($"registration round {round}/{rounds}: stage with {workers} worker(s)");
                    stageWall[workers] += (await stage.MeasureStageAsync(pairs, workers, $"stage {workers}", cancellationToken)).WallSeconds;
                }
            }

            var total = pairs.Count * rounds;
            var baseline = total / naiveSingleWall;
            var single = stageWall[1] / total;
            var limit = Environment.ProcessorCount / single;
            var rows = new List<IReadOnlyDictionary<string, object?>>
            {
                Phase("naive loop (elastix -threads 1, one pair at a time)", total, naiveSingleWall, baseline, limit),
                Phase("naive loop (elastix default threads, one pair at a time)", total, naiveDefaultWall, baseline, limit),
            };
            rows.AddRange(workerCounts.Select(w => Phase($"stage, {w} worker{(w == 1 ? string.Empty : "s")}", total, stageWall[w], baseline, limit)));
            var two = total / stageWall[2];
            BenchLog.Line($"registration: single {single:0.000} s, limit {limit:0.00} pairs/s, 2 workers {two:0.00} pairs/s = {two / limit:P0} of the limit");
            IReadOnlyList<BenchTable> tables =
            [
                new BenchTable(
                    "Registration stage (MP)",
                    "the stage's throughput with 1 and 2 workers against a naive sequential loop calling elastix and transformix the same way, and against the limit cores / single-registration time.",
                    ["phase", "pairs", "wall s", "pairs per s", "vs naive (-threads 1)", "share of limit"],
                    rows,
                    [
                        $"Pairs: {pairs.Count} from {source} (support i+1 onto query i) at {workingSize}x{workingSize}, {rounds} round(s) after one untimed warm-up registration; each round runs every phase once, in the order listed, so drift hits all alike.",
                        $"Single-registration time (stage, 1 worker): {single:0.000} s; limit = {Environment.ProcessorCount} cores / {single:0.000} s = {limit:0.00} pairs per s.",
                        $"2 workers reach {two:0.00} pairs per s: {two / limit:0.00} of the limit (1.00 = every core busy with no overhead).",
                        "The stage: ElastixMaskPropagator (the registration workers' propagator: own work folder per pair, elastix then transformix, one thread each), fanned out with Parallel.ForEachAsync; the naive loop: the same .mha files, parameter maps and transformix warp, one pair after the other.",
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

    private static IReadOnlyDictionary<string, object?> Phase(string name, int pairs, double wall, double baseline, double limit) => Row.Of(
        ("phase", name),
        ("pairs", pairs),
        ("wall s", wall),
        ("pairs per s", pairs / wall),
        ("vs naive (-threads 1)", pairs / wall / baseline),
        ("share of limit", pairs / wall / limit));
}
