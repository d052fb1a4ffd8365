namespace SamMpa.Grains.Options;

/// <summary>How a dataset's job drives the cluster (configuration section "Job").</summary>
public sealed class JobOptions
{
    public const string Section = "Job";

    /// <summary>
    /// Image-grain calls a dataset keeps in flight while embedding and for the baselines. A SAM-MPA run instead keeps as
    /// many as the cpu silos offer registration slots (each query takes one per atlas): cluster-wide admission, so no
    /// call waits in a queue.
    /// </summary>
    public int MaxInFlight { get; set; } = 8;

    /// <summary>
    /// Queries a SAM-MPA run keeps in flight per registration slot the cpu silos offer. 2 keeps every slot busy while
    /// finished queries are written and placement spreads calls unevenly over the silos; a call then waits at most about
    /// one registration for its slot, never the minutes of an unbounded queue.
    /// </summary>
    public int CallsPerRegistrationSlot { get; set; } = 2;

    /// <summary>
    /// Queueing a registration call may see on top of its own work (another dataset's calls ahead of it in the slots), in
    /// the deadline of an image call: atlases x 2 x Registration:Timeout (elastix, then transformix) + this.
    /// </summary>
    public TimeSpan QueueAllowance { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Tries of a phase that hit an unexpected error (storage gone, say) before the dataset fails with the reason.</summary>
    public int MaxPhaseAttempts { get; set; } = 30;

    /// <summary>Outcomes between two writes of the dataset's state (a resumed job redoes at most these, idempotently).</summary>
    public int CheckpointEvery { get; set; } = 25;

    /// <summary>How often a running job's reminder checks that the job is alive (Orleans' minimum is one minute).</summary>
    public TimeSpan ReminderPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often a silo re-reads the reminder table (Orleans' RefreshReminderListPeriod, five minutes by default): the
    /// latest a job's reminder that a silo missed while taking over a range fires, and so brings the job back.
    /// </summary>
    public TimeSpan ReminderRefreshPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a job waiting for a silo role (or for embeddings) looks again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Attempts of one image call that failed for a transient reason (timeout, silo gone) before it counts as failed.
    /// Attempt n waits about <see cref="RetryDelay"/> x n first (with jitter): 8 attempts wait about 56 s in all by default, longer than
    /// Orleans' default failure detection takes to declare a killed silo dead (about 15-30 s), after which the call lands elsewhere.
    /// </summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>
    /// Memory the embeddings a support selection holds may take, in bytes: SAM's (1,048,576 floats each) unpooled reach
    /// the default at 256 images, where SelectSupports' PooledDimension is the answer.
    /// </summary>
    public long MaxSelectionBytes { get; set; } = 1L << 30;
}
