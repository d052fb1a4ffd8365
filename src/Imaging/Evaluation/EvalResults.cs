namespace SamMpa.Imaging.Evaluation;

/// <summary>
/// The outcome for one query image in one run; <paramref name="Support"/> lists the atlases used, ';'-separated.
/// Dice and IoU score the coarse (propagated) mask; the final ones score SAM's mask, NaN without the SAM stages.
/// </summary>
public sealed record QueryResult(
    string Image,
    string Support,
    double Dice,
    double IoU,
    double FinalDice,
    double FinalIoU,
    double RegistrationSeconds,
    string? Error)
{
    public bool Failed => Error is not null;
}

/// <summary>
/// One run: one K with one set of stages. dice_* score the coarse masks (MP); final_dice_* score SAM's masks and are
/// null without the stage pa.
/// </summary>
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
    double? FinalDiceMean,
    double? FinalDiceStd,
    double? FinalDiceMedian,
    double? FinalIouMean,
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
