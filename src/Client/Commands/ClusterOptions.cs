using System.CommandLine;
using SamMpa.Client.Cluster;
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

    /// <summary>The configured cluster with <paramref name="useCluster"/>, else a silo embedded in this process.</summary>
    public static async Task<ClusterConnection> ConnectOrEmbedAsync(
        bool useCluster,
        FileInfo? settingsFile,
        DirectoryInfo home,
        IReadOnlyDictionary<string, string?> overrides,
        RegistrationOptions registration,
        CancellationToken cancellationToken)
    {
        var settings = ClientSettings.Load(settingsFile);
        if (useCluster)
        {
            return await ClusterConnection.ConnectAsync(settings, cancellationToken);
        }

        var embedded = new Dictionary<string, string?>(overrides)
        {
            ["Storage:Provider"] = "local",
            ["Storage:LocalRoot"] = home.FullName,
        };
        return await ClusterConnection.StartEmbeddedAsync(settings, embedded, registration, cancellationToken);
    }

    public static async Task<ClusterConnection> ConnectAsync(FileInfo? settingsFile, CancellationToken cancellationToken) =>
        await ClusterConnection.ConnectAsync(ClientSettings.Load(settingsFile), cancellationToken);
}
