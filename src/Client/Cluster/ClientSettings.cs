using Microsoft.Extensions.Configuration;

namespace SamMpa.Client.Cluster;

/// <summary>
/// Where the client finds the cluster and its storage: a settings file (--settings, else ./sammpa.json when present)
/// and environment variables prefixed SAMMPA_ (e.g. SAMMPA_Storage__Provider=azure). Without any, a silo on localhost
/// with the local-folder store.
/// </summary>
internal static class ClientSettings
{
    public const string DefaultFile = "sammpa.json";

    public static IConfiguration Load(FileInfo? settingsFile)
    {
        if (settingsFile is { Exists: false })
        {
            throw new FileNotFoundException($"{settingsFile.FullName}: settings file not found.", settingsFile.FullName);
        }

        var path = settingsFile?.FullName ?? Path.GetFullPath(DefaultFile);
        return new ConfigurationBuilder()
            .AddJsonFile(path, optional: settingsFile is null)
            .AddEnvironmentVariables("SAMMPA_")
            .Build();
    }
}
