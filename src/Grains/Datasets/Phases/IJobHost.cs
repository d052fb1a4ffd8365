namespace SamMpa.Grains.Datasets.Phases;

/// <summary>What a phase needs of the dataset grain that runs it: retries, admission, roles and checkpoints.</summary>
public interface IJobHost
{
    JobResilience Resilience { get; }

    /// <summary>Calls of <paramref name="stage"/> to keep in flight now.</summary>
    int InFlightLimit(string stage);

    /// <summary>Waits (saying so in the status) until a silo of <paramref name="role"/> is in the cluster.</summary>
    Task WaitForRoleAsync(string role, string what, CancellationToken cancellationToken);

    /// <summary>Stores the state every so many outcomes (<paramref name="force"/>: now).</summary>
    Task CheckpointAsync(bool force);
}
