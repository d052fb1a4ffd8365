using System.CommandLine;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Registration;

namespace SamMpa.Client.Commands;

/// <summary>Options of the commands that talk to a cluster: which dataset, which settings, embedded or not.</summary>
internal static class ClusterOptions
{
    public static Option<string> Dataset() => new("--dataset")
    {
        Description = "Dataset id (letters, digits, '-', '_', '.').",
        Required = true,
    };

    public static Option<FileInfo?> Settings() => new("--settings")
    {
        Description = "Cluster settings (JSON; default ./sammpa.json when present, plus SAMMPA_* environment variables). Without any: a silo on localhost with local storage.",
    };

    public static Option<bool> UseCluster() => new("--cluster")
    {
        Description = "Run on the cluster the settings name instead of a silo embedded in this process.",
    };

    public static Option<DirectoryInfo> Home() => new("--home")
    {
        Description = "Storage folder of the embedded silo (blobs, grain state): datasets and embeddings are kept there between runs.",
        DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetDirectoryName(CommonOptions.DefaultCacheDirectory())!, "embedded")),
    };

    /// <summary>
    /// Options of eval that only the embedded silo takes, each with what does its work on a cluster: with --cluster they
    /// would be dropped, so they are refused instead.
    /// </summary>
    private static readonly (string Option, string OnTheCluster)[] EmbeddedOnly =
    [
        ("--device", "Models:Device on the gpu silos"),
        ("--sam-encoder", "Models:SamEncoder on the gpu silos"),
        ("--parallel", "Registration:MaxDegreeOfParallelism on the cpu silos"),
        ("--elastix-params", "Registration:ParameterFiles on the cpu silos"),
        ("--registration-timeout", "Registration:Timeout on the cpu silos"),
        ("--elastix", "Registration:ElastixPath on the cpu silos"),
        ("--home", "Storage in the cluster's settings"),
    ];

    /// <summary>The options the user gave that the cluster would not get (<see cref="EmbeddedOnly"/>), in command-line order of declaration.</summary>
    public static IReadOnlyList<string> GivenButNotForwarded(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.CommandResult.Command.Options
            .Where(o => EmbeddedOnly.Any(e => e.Option == o.Name) && parse.GetResult(o) is { Implicit: false })
            .Select(o => o.Name)
            .ToArray();
    }

    /// <summary>Stops a --cluster command, before it connects, when it was given options only the embedded silo takes.</summary>
    public static void RefuseNotForwarded(ParseResult parse)
    {
        var given = GivenButNotForwarded(parse);
        if (given.Count > 0)
        {
            var reasons = given.Select(g => $"{g} (set {EmbeddedOnly.Single(e => e.Option == g).OnTheCluster})");
            throw new ArgumentException(
                $"With --cluster these options are not forwarded and would be ignored: {string.Join(", ", reasons)}; leave them out.");
        }
    }

    /// <summary>The configured cluster with <paramref name="useCluster"/>, else a silo embedded in this process.</summary>
    public static async Task<ClusterConnection> ConnectOrEmbedAsync(
        bool useCluster,
        FileInfo? settingsFile,
        DirectoryInfo home,
        IReadOnlyDictionary<string, string?> overrides,
        RegistrationOptions registration,
        IEvalProgress progress,
        CancellationToken cancellationToken)
    {
        var settings = ClientSettings.Load(settingsFile);
        var logs = new ProgressLoggerProvider(progress);
        if (useCluster)
        {
            return await ClusterConnection.ConnectAsync(settings, logs, cancellationToken);
        }

        var embedded = new Dictionary<string, string?>(overrides)
        {
            ["Storage:Provider"] = "local",
            ["Storage:LocalRoot"] = home.FullName,
        };
        return await ClusterConnection.StartEmbeddedAsync(settings, embedded, registration, logs, cancellationToken);
    }

    /// <summary>The configured cluster, for a command without progress: its client's errors are lines on standard error.</summary>
    public static Task<ClusterConnection> ConnectAsync(FileInfo? settingsFile, CancellationToken cancellationToken) =>
        ConnectAsync(settingsFile, new PlainProgress(System.Console.Error), cancellationToken);

    /// <summary>The configured cluster; its client's logs go to <paramref name="progress"/>.</summary>
    public static async Task<ClusterConnection> ConnectAsync(FileInfo? settingsFile, IEvalProgress progress, CancellationToken cancellationToken) =>
        await ClusterConnection.ConnectAsync(ClientSettings.Load(settingsFile), new ProgressLoggerProvider(progress), cancellationToken);
}
