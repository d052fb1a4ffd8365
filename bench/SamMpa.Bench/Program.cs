using System.Diagnostics;
using System.Globalization;
using SamMpa.Bench;
using SamMpa.Bench.Results;
using SamMpa.Bench.Suites;

// bench/run builds Release and runs this: the suites asked for, one after the other (never two at once: each wants
// the whole machine), then bench/results/<UTC timestamp>.json and bench/RESULTS.md.
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    return 2;
}

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

IBenchSuite[] all = [new SelectionBench(), new RegistrationBench(), new OrchestrationBench(), new StateGrowthBench(), new EndToEndBench(), new AccuracyBench()];
var started = DateTimeOffset.UtcNow;
var machine = MachineInfo.Describe(options.Repository);
BenchLog.Line($"machine: {machine.Cpu}, {machine.Cores} cores, {machine.MemoryGiB} GiB, {machine.Os}, {machine.DotNet}, elastix {machine.Elastix}, commit {machine.Commit}");
var results = new List<SuiteResult>();
foreach (var suite in all.Where(s => options.Suites.Contains(s.Name)))
{
    BenchLog.Line($"suite {suite.Name}{(options.Quick ? " (quick)" : string.Empty)}");
    var clock = Stopwatch.StartNew();
    try
    {
        var tables = await suite.RunAsync(options, cancellation.Token);
        results.Add(new SuiteResult(suite.Name, clock.Elapsed.TotalSeconds, tables));
    }
    catch (Exception e) when (e is not OperationCanceledException)
    {
        // A suite that cannot run (no data, no elastix) is reported as such; the others still give their figures.
        BenchLog.Line($"suite {suite.Name} failed: {e.Message}");
        results.Add(new SuiteResult(suite.Name, clock.Elapsed.TotalSeconds, [], e.Message));
    }
}

var run = new BenchRun(started, options.Quick, options.Arguments, machine, results);
var (json, markdown) = ResultFiles.Write(run, options.ResultsDirectory, options.MarkdownPath);
Console.WriteLine(File.ReadAllText(markdown));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {json} and {markdown}"));
return results.Any(r => r.Error is not null) ? 1 : 0;
