namespace SamMpa.Bench;

/// <summary>The command line of the bench (bench/run passes its arguments through, plus --repo).</summary>
public sealed record BenchOptions
{
    public static readonly IReadOnlyList<string> SuiteNames = ["selection", "registration", "orchestration", "state", "end-to-end", "accuracy"];

    /// <summary>Tiny sizes and phantoms: the whole suite in minutes, to check the script, not to measure.</summary>
    public bool Quick { get; init; }

    public IReadOnlyList<string> Suites { get; init; } = SuiteNames;

    /// <summary>The K values of the accuracy suite (--shots; default 1 5 10).</summary>
    public IReadOnlyList<int> Shots { get; init; } = [1, 5, 10];

    /// <summary>Folder holding cxr-lung and busi (each with images/ and masks/).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>A SAM model package for the final-mask Dice of the end-to-end suite; none ships here.</summary>
    public string? SamPackage { get; init; }

    /// <summary>The repository root: results, RESULTS.md and the built sammpa command are found from it.</summary>
    public required string Repository { get; init; }

    public string ResultsDirectory => Path.Combine(Repository, "bench", "results");

    public string MarkdownPath => Path.Combine(Repository, "bench", "RESULTS.md");

    public string SammpaDll => Path.Combine(Repository, "src", "Client", "bin", "Release", "net10.0", "sammpa.dll");

    /// <summary>The arguments as given, for the report.</summary>
    public string Arguments { get; init; } = string.Empty;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var quick = false;
        var suites = new List<string>();
        var shots = new List<int>();
        string? data = null, sam = null, repository = null;
        var passed = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--quick":
                    quick = true;
                    passed.Add(arg);
                    break;
                case "--suite":
                    var before = suites.Count;
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        suites.Add(SuiteName(args[++i]));
                    }

                    if (suites.Count == before)
                    {
                        throw new ArgumentException($"--suite needs at least one name: {string.Join(", ", SuiteNames)}.");
                    }

                    passed.Add("--suite " + string.Join(' ', suites.Skip(before)));
                    break;
                case "--data":
                    data = Value(args, ref i);
                    passed.Add($"--data {data}");
                    break;
                case "--shots":
                    while (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                    {
                        var given = args[++i];
                        shots.Add(int.TryParse(given, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var k) && k > 0
                            ? k
                            : throw new ArgumentException($"--shots {given}: K must be a positive whole number."));
                    }

                    if (shots.Count == 0)
                    {
                        throw new ArgumentException("--shots needs at least one K.");
                    }

                    passed.Add("--shots " + string.Join(' ', shots));
                    break;
                case "--sam":
                    sam = Value(args, ref i);
                    passed.Add($"--sam {sam}");
                    break;
                case "--repo":
                    repository = Value(args, ref i);
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{arg}'. Usage: bench/run [--quick] [--suite NAME ...] [--data DIR] [--sam DIR] [--shots K ...]; suites: {string.Join(", ", SuiteNames)}.");
            }
        }

        repository = Path.GetFullPath(repository ?? Directory.GetCurrentDirectory());
        if (!File.Exists(Path.Combine(repository, "SamMpa.Cluster.sln")))
        {
            throw new ArgumentException($"--repo {repository}: not the repository root (no SamMpa.Cluster.sln there).");
        }

        if (sam is not null && !Directory.Exists(sam))
        {
            throw new ArgumentException($"--sam {sam}: no such folder.");
        }

        return new BenchOptions
        {
            Quick = quick,
            Shots = shots.Count == 0 ? [1, 5, 10] : shots.Distinct().Order().ToArray(),
            Suites = suites.Count == 0 ? SuiteNames : suites.Distinct().ToArray(),
            DataDirectory = Path.GetFullPath(data ?? Path.Combine(repository, "..", "shared", "data")),
            SamPackage = sam is null ? null : Path.GetFullPath(sam),
            Repository = repository,
            Arguments = string.Join(' ', passed),
        };
    }

    private static string Value(IReadOnlyList<string> args, ref int i)
    {
        var option = args[i];
        if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{option} needs a value.");
        }

        return args[++i];
    }

    /// <summary>A suite name, accepted case-insensitively, also as its class name (EndToEndBench) or without the dash.</summary>
    private static string SuiteName(string given)
    {
        var key = given.ToLowerInvariant().Replace("bench", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        return SuiteNames.FirstOrDefault(s => s.Replace("-", string.Empty, StringComparison.Ordinal) == key)
            ?? throw new ArgumentException($"--suite {given}: no such suite; use {string.Join(", ", SuiteNames)}.");
    }
}
