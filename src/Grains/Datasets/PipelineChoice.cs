namespace SamMpa.Grains.Datasets;

/// <summary>One pipeline stage AUTO may choose: which of MP (with how many atlases), LOC and RF run.</summary>
[GenerateSerializer]
[Alias("sammpa.PipelineCandidate")]
public sealed record PipelineCandidate(
    [property: Id(0)] bool Register,
    [property: Id(1)] bool Localise,
    [property: Id(2)] bool GraphCut,
    [property: Id(3)] int Atlases)
{
    /// <summary>"mp", "loc+rf", "mp3+loc" (mp3: three atlases): the stages joined as <c>--stages</c> names them.</summary>
    public string Name => string.Join('+', Parts());

    private IEnumerable<string> Parts()
    {
        if (Register)
        {
            yield return Atlases > 1 ? $"mp{Atlases}" : "mp";
        }

        if (Localise)
        {
            yield return "loc";
        }

        if (GraphCut)
        {
            yield return "rf";
        }
    }
}

/// <summary>
/// A candidate's leave-one-out score: mean Dice over the supports (a failed trial counts 0), its failures, and each
/// support's Dice in the supports' order (so two candidates are compared support by support).
/// </summary>
[GenerateSerializer]
[Alias("sammpa.CandidateScore")]
public sealed record CandidateScore(
    [property: Id(0)] PipelineCandidate Candidate,
    [property: Id(1)] double MeanDice,
    [property: Id(2)] int Failed = 0,
    [property: Id(3)] string? FirstFailure = null,
    [property: Id(4)] IReadOnlyList<double>? SupportDice = null);

/// <summary>
/// What stage AUTO chose for a run, stored in the dataset's state with the run's id, so a restarted job goes on with the
/// queries instead of trying again.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.PipelineChoice")]
public sealed record PipelineChoice
{
    [Id(0)]
    public required string RunId { get; init; }

    [Id(1)]
    public required PipelineCandidate Chosen { get; init; }

    /// <summary>Every candidate tried, in the listed order (empty when no trial could run).</summary>
    [Id(2)]
    public required IReadOnlyList<CandidateScore> Candidates { get; init; }

    /// <summary>Why there was no trial (K &lt; 2), or other words for the report; null when the trial chose.</summary>
    [Id(3)]
    public string? Note { get; init; }
}
