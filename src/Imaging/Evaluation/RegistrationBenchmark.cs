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

/// <summary>One phase of the benchmark: the pairs registered by the stage with a number of workers.</summary>
/// <param name="Workers">Registrations run at once.</param>
/// <param name="WallSeconds">Wall time of the whole phase.</param>
/// <param name="RegistrationSecondsSum">Sum of the times of the single registrations (each as the propagator measured it).</param>
public sealed record RegistrationPhase(int Pairs, int Workers, double WallSeconds, double RegistrationSecondsSum)
{
    public double PairsPerSecond => Pairs / WallSeconds;
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
        var work = RegistrationPair.Load(imagesDirectory, masksDirectory, pairs, workingSize);
        try
        {
            // Phases alternate round by round so that drift in the machine's speed (shared hosts) hits both alike.
            double singleSum = 0, parallelWall = 0;
            for (var round = 1; round <= rounds; round++)
            {
                singleSum += (await MeasureStageAsync(work, 1, $"single {round}/{rounds}", cancellationToken)).RegistrationSecondsSum;
                parallelWall += (await MeasureStageAsync(work, options.MaxDegreeOfParallelism, $"parallel {round}/{rounds}", cancellationToken)).WallSeconds;
            }

            return new RegistrationBenchmarkResult(work.Count * rounds, singleSum, parallelWall, options.MaxDegreeOfParallelism);
        }
        finally
        {
            foreach (var pair in work)
            {
                pair.Dispose();
            }
        }
    }

    /// <summary>
    /// Registers every pair with the stage's propagator, <paramref name="workers"/> at a time (one elastix thread each),
    /// and measures the wall time of the whole phase.
    /// </summary>
    public async Task<RegistrationPhase> MeasureStageAsync(
        IReadOnlyList<RegistrationPair> work, int workers, string stage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workers);
        var propagator = new ElastixMaskPropagator(options with { MaxDegreeOfParallelism = workers });
        progress.StageStarted(stage, work.Count);
        var ticks = 0L;
        var wall = Stopwatch.StartNew();
        await Parallel.ForEachAsync(
            work,
            new ParallelOptions { MaxDegreeOfParallelism = workers, CancellationToken = cancellationToken },
            async (pair, ct) =>
            {
                var result = await propagator.PropagateAsync(pair.Query, pair.Support, pair.SupportMask, pair.QueryName, pair.SupportName, ct);
                result.SoftMask.Dispose();
                Interlocked.Add(ref ticks, result.Elapsed.Ticks);
                progress.ItemCompleted(stage, pair.QueryName);
            });
        var seconds = wall.Elapsed.TotalSeconds;
        progress.StageCompleted(stage);
        return new RegistrationPhase(work.Count, workers, seconds, TimeSpan.FromTicks(ticks).TotalSeconds);
    }
}
