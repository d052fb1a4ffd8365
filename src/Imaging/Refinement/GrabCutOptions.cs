namespace SamMpa.Imaging.Refinement;

/// <summary>How a probability map seeds GrabCut.</summary>
public sealed record GrabCutOptions
{
    /// <summary>p at or above: definite target.</summary>
    public float SureForeground { get; init; } = 0.85f;

    /// <summary>p at or below: definite background.</summary>
    public float SureBackground { get; init; } = 0.15f;

    /// <summary>Between the two: probable target at or above this, probable background below.</summary>
    public float Threshold { get; init; } = 0.5f;

    public int Iterations { get; init; } = 5;

    public void Validate()
    {
        if (!(SureBackground >= 0 && SureBackground < Threshold && Threshold < SureForeground && SureForeground <= 1) || Iterations <= 0)
        {
            throw new ArgumentException(
                $"Invalid GrabCut options: need 0 <= SureBackground ({SureBackground}) < Threshold ({Threshold}) < SureForeground ({SureForeground}) <= 1 and Iterations ({Iterations}) > 0.");
        }
    }
}
