using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Cluster.Processes;

/// <summary>
/// A fact that runs a cluster of processes with its own Azurite: skipped, with a sentence that says how to install
/// Azurite, on a developer machine without it; never skipped when the environment variable CI is set.
/// </summary>
public sealed class ProcessClusterFactAttribute : FactAttribute
{
    public ProcessClusterFactAttribute()
    {
        if (!Azurite.IsExpected && !AzuriteProcess.IsInstalled)
        {
            Skip = $"Azurite is not installed at {AzuriteProcess.Executable} (scripts/azurite start installs it); skipped on this developer machine";
        }
    }
}
