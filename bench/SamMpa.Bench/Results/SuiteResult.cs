namespace SamMpa.Bench.Results;

/// <summary>What one suite measured, or why it could not run (<see cref="Error"/>; the other suites still run).</summary>
public sealed record SuiteResult(string Suite, double Seconds, IReadOnlyList<BenchTable> Tables, string? Error = null);
