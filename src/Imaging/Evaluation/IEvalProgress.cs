namespace SamMpa.Imaging.Evaluation;

/// <summary>Receives progress from an evaluation; called from worker threads, so implementations are thread-safe.</summary>
public interface IEvalProgress
{
    void StageStarted(string stage, int total);

    void ItemCompleted(string stage, string item);

    void StageCompleted(string stage);

    void Warning(string message);
}

/// <summary>Progress that goes nowhere (tests, library callers).</summary>
public sealed class SilentProgress : IEvalProgress
{
    public static readonly SilentProgress Instance = new();

    public void StageStarted(string stage, int total)
    {
    }

    public void ItemCompleted(string stage, string item)
    {
    }

    public void StageCompleted(string stage)
    {
    }

    public void Warning(string message)
    {
    }
}
