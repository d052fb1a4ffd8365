using System.Diagnostics;
using SamMpa.Imaging.Registration;

namespace SamMpa.Imaging.Evaluation;

/// <summary>The figures of one registration benchmark.</summary>
/// <param name="Pairs">Registrations run in each phase, over all rounds.</param>
/// <param name="SingleSecondsSum">Sum of the registration times measured one at a time, nothing else running.</param>
/// <param name="ParallelWallSeconds">Wall time of the same registrations fanned out at <paramref name="Parallelism"/>.</param>
/// <param name="Parallelism">Registrations run at once in the parallel phase.</param>
public sealed record RegistrationBenchmarkResult(int Pairs, double SingleSecondsSum, double ParallelWallSeconds, int Parallelism)
{
    /// <summary>Wall time over the ideal sum / parallelism; 1.0 means every core stayed busy.</summary>
    public double Overhead => ParallelWallSeconds / (SingleSecondsSum / Parallelism);
}

/// <summary>
/// Measures whether the registration stage keeps every core busy: the same support-to-query pairs are registered
/// first one at a time, then fanned out as `sammpa eval` does, and the two are compared.
/// </summary>
public sealed class RegistrationBenchmark(RegistrationOptions options, IEvalProgress progress)
{
    public async Task<RegistrationBenchmarkResult> RunAsync(
        string imagesDirectory, string masksDirectory, int pairs, int rounds, int workingSize, CancellationToken cancellationToken)
    {
        ElastixTools.EnsureAvailable(options);
        var dataset = LabeledDataset.Open(imagesDirectory, masksDirectory);
        var count = Math.Min(dataset.Images.Count, pairs + 1);
        var prepared = dataset.Images.Take(count).Select(i => PreparedImage.Load(i, workingSize)).ToArray();
        try
        {
            // Support i + 1 onto query i: distinct, deterministic pairs.
            var work = Enumerable.Range(0, count - 1).Select(i => (Query: prepared[i], Support: prepared[i + 1])).ToArray();

            // Phases alternate round by round so that drift in the machine's speed (shared hosts) hits both alike.
            var sequential = new ElastixMaskPropagator(options with { MaxDegreeOfParallelism = 1 });
            var parallel = new ElastixMaskPropagator(options);
            double singleSum = 0, parallelWall = 0;
            for (var round = 1; round <= rounds; round++)
            {
                singleSum += await RunOneAtATimeAsync(sequential, work, $"single {round}/{rounds}", cancellationToken);
                parallelWall += await RunInParallelAsync(parallel, work, $"parallel {round}/{rounds}", cancellationToken);
            }

            return new RegistrationBenchmarkResult(work.Length * rounds, singleSum, parallelWall, options.MaxDegreeOfParallelism);
        }
        finally
        {
            foreach (var image in prepared)
            {
                image.Dispose();
            }
        }
    }

    private async Task<double> RunOneAtATimeAsync(
        ElastixMaskPropagator propagator, (PreparedImage Query, PreparedImage Support)[] work, string stage, CancellationToken cancellationToken)
    {
        progress.StageStarted(stage, work.Length);
        double sum = 0;
        foreach (var (query, support) in work)
        {
            var result = await propagator.PropagateAsync(
                query.Working, support.Working, support.WorkingMask, query.Source.Name, support.Source.Name, cancellationToken);
            sum += result.Elapsed.TotalSeconds;
            result.SoftMask.Dispose();
            progress.ItemCompleted(stage, query.Source.Name);
        }

        progress.StageCompleted(stage);
        return sum;
    }

    private async Task<double> RunInParallelAsync(
        ElastixMaskPropagator propagator, (PreparedImage Query, PreparedImage Support)[] work, string stage, CancellationToken cancellationToken)
    {
        progress.StageStarted(stage, work.Length);
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
            async (pair, ct) =>
            {
                var result = await propagator.PropagateAsync(
                    pair.Query.Working, pair.Support.Working, pair.Support.WorkingMask, pair.Query.Source.Name, pair.Support.Source.Name, ct);
                result.SoftMask.Dispose();
                progress.ItemCompleted(stage, pair.Query.Source.Name);
            });
        var seconds = wall.Elapsed.TotalSeconds;
        progress.StageCompleted(stage);
        return seconds;
    }
}
