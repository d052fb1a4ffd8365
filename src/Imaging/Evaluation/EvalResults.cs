namespace SamMpa.Imaging.Evaluation;

/// <summary>The outcome for one query image in one run; <paramref name="Support"/> lists the atlases used, ';'-separated.</summary>
public sealed record QueryResult(
    string Image,
    string Support,
    double Dice,
    double IoU,
    double RegistrationSeconds,
    string? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>One run: one K with one set of stages.</summary>
public sealed record RunSummary(
    string Run,
    int Shots,
    string Stages,
    IReadOnlyList<string> Supports,
    int Queries,
    int Failed,
    double DiceMean,
    double DiceStd,
    double DiceMedian,
    double IouMean,
    double WallSeconds,
    int Registrations,
    double RegistrationWallSeconds,
    double RegistrationSecondsSum,
    int Parallelism,
    int Atlases);

/// <summary>Everything one evaluation command produced.</summary>
public sealed record EvalReport(
    string ImagesDirectory,
    string MasksDirectory,
    int Images,
    string Encoder,
    int WorkingSize,
    double EmbeddingSeconds,
    int EmbeddingsComputed,
    IReadOnlyList<RunSummary> Runs);
