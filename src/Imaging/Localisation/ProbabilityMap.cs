using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// A query's target probability on the feature grid (row-major): the average of the two models
/// (<see cref="Combined"/>) and each model alone.
/// </summary>
public sealed record ProbabilityMap(int GridWidth, int GridHeight, float[] Combined, float[] Regression, float[] Prototype)
{
    /// <summary>The combined map upsampled bilinearly to the working grid (values in 0..1).</summary>
    public GrayImage ToWorking(int width, int height) => GridSampling.ToImage(Combined, GridWidth, GridHeight, width, height);
}
