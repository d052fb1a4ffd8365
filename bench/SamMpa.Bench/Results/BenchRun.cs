namespace SamMpa.Bench.Results;

/// <summary>One run of bench/run: the file bench/results/&lt;timestamp&gt;.json holds exactly this.</summary>
public sealed record BenchRun(DateTimeOffset StartedUtc, bool Quick, string Arguments, MachineInfo Machine, IReadOnlyList<SuiteResult> Suites);
