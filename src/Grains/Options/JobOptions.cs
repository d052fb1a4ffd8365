namespace SamMpa.Grains.Options;

/// <summary>How a dataset's job drives the cluster (configuration section "Job").</summary>
public sealed class JobOptions
{
    public const string Section = "Job";

    /// <summary>
    /// Image-grain calls a dataset keeps in flight. Bounded so a dataset of 10,000 images neither times calls out
    /// waiting in queues nor holds 10,000 requests in memory; about 2 per registration core of the cluster is enough.
    /// </summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>Outcomes between two writes of the dataset's state (a resumed job redoes at most these, idempotently).</summary>
    public int CheckpointEvery { get; set; } = 25;

    /// <summary>How often a running job's reminder checks that the job is alive (Orleans' minimum is one minute).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a job waiting for a silo role (or for embeddings) looks again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Attempts of one image call that failed for a transient reason (timeout, silo gone) before it counts as failed.
    /// Attempt n waits <see cref="RetryDelay"/> x n first: 8 attempts wait 56 s in all by default, longer than
    /// Orleans' default failure detection takes to declare a killed silo dead (about 15-30 s), after which the call lands elsewhere.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;
}
