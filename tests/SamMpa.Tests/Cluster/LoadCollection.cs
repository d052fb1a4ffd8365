namespace SamMpa.Tests.Cluster;

/// <summary>
/// The load test's collection: it runs alone (after the parallel collections), so the process's memory and Orleans'
/// process-wide timeout counter are its own, and no other test's work slows its calls.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadCollection : ICollectionFixture<LoadClusterFixture>
{
    public const string Name = "Load";
}
