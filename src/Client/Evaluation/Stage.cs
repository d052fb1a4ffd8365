namespace SamMpa.Client.Evaluation;

/// <summary>The stages of SAM-MPA, as named in the paper's ablation (Table 1).</summary>
[Flags]
public enum Stage
{
    None = 0,

    /// <summary>Support example selection from image embeddings; without it the supports are random.</summary>
    Es = 1,

    /// <summary>Mask propagation by B-spline registration.</summary>
    Mp = 2,

    /// <summary>Prompt auto-generation from the coarse mask, and SAM decoding with those prompts.</summary>
    Pa = 4,

    /// <summary>Post-refinement: SAM's low-resolution answer fed back as its mask prompt.</summary>
    Pr = 8,

    /// <summary>Localisation: a few-shot pixel model on the supports' dense features gives each query a probability map.</summary>
    Loc = 16,

    /// <summary>Refinement without SAM: GrabCut on the query seeded by the soft mask.</summary>
    Rf = 32,

    /// <summary>The pipeline (mp, loc, rf, atlases) chosen per dataset by leave-one-out on its own supports.</summary>
    Auto = 64,
}

public static class StageParser
{
    private static readonly Dictionary<string, Stage> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["es"] = Stage.Es,
        ["mp"] = Stage.Mp,
        ["loc"] = Stage.Loc,
        ["rf"] = Stage.Rf,
        ["pa"] = Stage.Pa,
        ["pr"] = Stage.Pr,
        ["auto"] = Stage.Auto,
    };

    /// <summary>What <c>eval</c> runs without <c>--stages</c>: the pipeline chosen per dataset.</summary>
    public const string Default = "es,auto";

    /// <summary>The default with a SAM package: SAM prompted by the chosen pipeline's mask, then refined.</summary>
    public const string DefaultWithSam = "es,auto,pa,pr";

    /// <summary>The stages <c>auto</c> chooses among, so they are not named with it.</summary>
    private const Stage Chosen = Stage.Mp | Stage.Loc | Stage.Rf;

    /// <summary>Parses "es,mp,loc,rf,pa,pr" or "es,auto" (pa, pr may follow auto); an unknown stage is an error that names it and lists the known ones.</summary>
    public static Stage Parse(string text)
    {
        var stages = Stage.None;
        foreach (var token in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Known.TryGetValue(token, out var stage))
            {
                stages |= stage;
            }
            else
            {
                throw new ArgumentException($"Unknown stage '{token}'; available: {string.Join(", ", Known.Keys)}.");
            }
        }

        if (stages.HasFlag(Stage.Auto) && (stages & Chosen) != Stage.None)
        {
            throw new ArgumentException(
                $"--stages '{text}': 'auto' chooses mp, loc and rf itself, so it takes none of them ({Format(stages & Chosen)}); e.g. --stages es,auto.");
        }

        if (!stages.HasFlag(Stage.Mp) && !stages.HasFlag(Stage.Loc) && !stages.HasFlag(Stage.Auto))
        {
            throw new ArgumentException($"--stages '{text}' has no mask stage: 'mp', 'loc' or both are required, or 'auto' (e.g. --stages es,mp, es,loc,rf or es,auto).");
        }

        if (stages.HasFlag(Stage.Pr) && !stages.HasFlag(Stage.Pa))
        {
            throw new ArgumentException($"--stages '{text}': 'pr' refines SAM's answer, so it needs 'pa' too (e.g. --stages es,mp,pa,pr).");
        }

        return stages;
    }

    public static string Format(Stage stages) =>
        string.Join(",", Known.Where(k => stages.HasFlag(k.Value)).Select(k => k.Key));
}
