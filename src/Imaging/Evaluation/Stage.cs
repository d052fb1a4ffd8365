namespace SamMpa.Imaging.Evaluation;

/// <summary>The stages of SAM-MPA, as named in the paper's ablation (Table 1).</summary>
[Flags]
public enum Stage
{
    None = 0,

    /// <summary>Support example selection from image embeddings; without it the supports are random.</summary>
    Es = 1,

    /// <summary>Mask propagation by B-spline registration.</summary>
    Mp = 2,
}

public static class StageParser
{
    private static readonly Dictionary<string, Stage> Known = new(StringComparer.OrdinalIgnoreCase)
    {
        ["es"] = Stage.Es,
        ["mp"] = Stage.Mp,
    };

    private static readonly HashSet<string> NotYetAvailable = new(StringComparer.OrdinalIgnoreCase) { "pa", "pr" };

    /// <summary>Parses "es,mp"; an unknown stage is an error that names it and lists the known ones.</summary>
    public static Stage Parse(string text)
    {
        var stages = Stage.None;
        foreach (var token in text.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Known.TryGetValue(token, out var stage))
            {
                stages |= stage;
            }
            else if (NotYetAvailable.Contains(token))
            {
                throw new ArgumentException($"Stage '{token}' needs the SAM stage, which this build does not have yet; available: es, mp.");
            }
            else
            {
                throw new ArgumentException($"Unknown stage '{token}'; available: es, mp.");
            }
        }

        if (!stages.HasFlag(Stage.Mp))
        {
            throw new ArgumentException($"--stages '{text}' has no mask stage: 'mp' is required (e.g. --stages es,mp).");
        }

        return stages;
    }

    public static string Format(Stage stages) =>
        string.Join(",", Known.Where(k => stages.HasFlag(k.Value)).Select(k => k.Key));
}
