namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// How far a phase got, as stored: every item below <see cref="Watermark"/> (in the phase's order) has finished, with
/// <see cref="Done"/> and <see cref="Failed"/> counted among them. Three numbers, whatever the dataset's size: a
/// resumed phase asks the items from the watermark on again, and those that had finished answer from their grains.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.PhaseProgress")]
public sealed record PhaseProgress
{
    [Id(0)]
    public int Watermark { get; init; }

    [Id(1)]
    public int Done { get; init; }

    [Id(2)]
    public int Failed { get; init; }

    /// <summary>Nothing done yet (a new instance each time: stored states never share one object).</summary>
    public static PhaseProgress None => new();
}
