namespace SamMpa.Grains.Datasets.Phases;

/// <summary>A phase has been tried Job:MaxPhaseAttempts times, counted in the stored state; never retried.</summary>
public sealed class PhaseAttemptsExhaustedException : Exception
{
    public PhaseAttemptsExhaustedException()
    {
    }

    public PhaseAttemptsExhaustedException(string message)
        : base(message)
    {
    }

    public PhaseAttemptsExhaustedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
