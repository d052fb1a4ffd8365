using System.Diagnostics;
using SamMpa.Imaging.Registration;

namespace SamMpa.Imaging.Evaluation;

/// <summary>The figures of one registration benchmark.</summary>
/// <param name="Pairs">Registrations run in each phase.</param>
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
        string imagesDirectory, string masksDirectory, int pairs, int workingSize, CancellationToken cancellationToken)
    {
        ElastixTools.EnsureAvailable(options);
        var dataset = LabeledDataset.Open(imagesDirectory, masksDirectory);
        var count = Math.Min(dataset.Images.Count, pairs + 1);
        var prepared = dataset.Images.Take(count).Select(i => PreparedImage.Load(i, workingSize)).ToArray();
        try
        {
            // Support i + 1 onto query i: distinct, deterministic pairs.
            var work = Enumerable.Range(0, count - 1).Select(i => (Query: prepared[i], Support: prepared[i + 1])).ToArray();

            progress.StageStarted("single", work.Length);
            var sequential = new ElastixMaskPropagator(options with { MaxDegreeOfParallelism = 1 });
            double singleSum = 0;
            foreach (var (query, support) in work)
            {
                var result = await sequential.PropagateAsync(
                    query.Working, support.Working, support.WorkingMask, query.Source.Name, support.Source.Name, cancellationToken);
                singleSum += result.Elapsed.TotalSeconds;
                result.SoftMask.Dispose();
                progress.ItemCompleted("single", query.Source.Name);
            }

            progress.StageCompleted("single");

            progress.StageStarted("parallel", work.Length);
            var parallel = new ElastixMaskPropagator(options);
            var wall = Stopwatch.StartNew();
            await Parallel.ForEachAsync(
                work,
                new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = cancellationToken },
                async (pair, ct) =>
                {
                    var result = await parallel.PropagateAsync(
                        pair.Query.Working, pair.Support.Working, pair.Support.WorkingMask, pair.Query.Source.Name, pair.Support.Source.Name, ct);
                    result.SoftMask.Dispose();
                    progress.ItemCompleted("parallel", pair.Query.Source.Name);
                });
            var parallelWall = wall.Elapsed.TotalSeconds;
            progress.StageCompleted("parallel");

            return new RegistrationBenchmarkResult(work.Length, singleSum, parallelWall, options.MaxDegreeOfParallelism);
        }
        finally
        {
            foreach (var image in prepared)
            {
                image.Dispose();
            }
        }
    }
}
