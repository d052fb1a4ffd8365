namespace SamMpa.Tests.Infrastructure;

/// <summary>The repository the tests run from: the first folder above the test assembly that holds SamMpa.Cluster.sln.</summary>
internal static class RepositoryRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(folder.FullName, "SamMpa.Cluster.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No SamMpa.Cluster.sln above {AppContext.BaseDirectory}.");
    }
}
