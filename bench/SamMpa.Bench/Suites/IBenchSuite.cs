using SamMpa.Bench.Results;

namespace SamMpa.Bench.Suites;

/// <summary>One suite of bench/run: measures and returns its tables.</summary>
public interface IBenchSuite
{
    /// <summary>The name --suite selects it by.</summary>
    string Name { get; }

    Task<IReadOnlyList<BenchTable>> RunAsync(BenchOptions options, CancellationToken cancellationToken);
}
