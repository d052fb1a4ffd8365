namespace SamMpa.Grains.Datasets;

/// <summary>
/// How queries are segmented: a coarse soft mask from registration (MP), the few-shot localisation map (LOC) or both
/// averaged, optionally refined by GrabCut (RF); SAM prompted from it (PA) and refined (PR); or one of the paper's
/// baselines (<see cref="Method"/>).
/// </summary>
[GenerateSerializer]
[Alias("sammpa.RunSettings")]
public sealed record RunSettings
{
    /// <summary>Stage PA: prompt SAM with the coarse mask. Needs a SAM package on the gpu silos.</summary>
    [Id(0)]
    public bool UseSam { get; init; }

    /// <summary>Stage PR: times SAM's answer is fed back (0 switches refinement off).</summary>
    [Id(1)]
    public int Refine { get; init; } = 1;

    [Id(2)]
    public SamPromptSettings Prompts { get; init; } = new();

    /// <summary>SAM-MPA, or a baseline (which needs SAM, and for the manual prompts ground truth).</summary>
    [Id(3)]
    public SegmentationMethod Method { get; init; } = SegmentationMethod.SamMpa;

    /// <summary>Stage LOC: the few-shot pixel model fitted on the supports' dense features gives each query a probability map.</summary>
    [Id(4)]
    public bool Localise { get; init; }

    /// <summary>Stage RF: GrabCut on the query's image refines the soft mask (cpu silos), without SAM.</summary>
    [Id(5)]
    public bool GraphCut { get; init; }

    /// <summary>Stage MP: the supports' masks registered onto the query (elastix). A SAM-MPA run needs MP or LOC.</summary>
    [Id(6)]
    public bool Register { get; init; } = true;

    /// <summary>
    /// Stage AUTO: the pipeline (MP, LOC, RF and the atlases) is chosen per dataset by leave-one-out on its supports
    /// before the queries run; <see cref="Register"/>, <see cref="Localise"/> and <see cref="GraphCut"/> are replaced
    /// by the choice.
    /// </summary>
    [Id(7)]
    public bool Auto { get; init; }

    /// <summary>Whether the run decodes with SAM: the SAM stages of SAM-MPA, or any baseline.</summary>
    public bool NeedsSam => UseSam || Method.IsBaseline();
}
