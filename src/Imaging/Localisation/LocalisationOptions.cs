namespace SamMpa.Imaging.Localisation;

/// <summary>Settings of the few-shot pixel model (<see cref="FewShotLocaliser"/>).</summary>
public sealed record LocalisationOptions
{
    /// <summary>
    /// L2 penalty of the logistic regression on standardised features (mean loss + lambda/2 |beta|^2). 0.1 from the
    /// accuracy bench (K = 10): 1e-3 overfits the 10 supports (cxr-lung 0.835, busi 0.419 map Dice; 0.850 and 0.443 at 0.1).
    /// </summary>
    public float Lambda { get; init; } = 1e-1f;

    public int MaxIterations { get; init; } = 150;

    /// <summary>Weight the target and background cells so that each class carries half the loss (small targets).</summary>
    public bool BalanceClasses { get; init; }

    /// <summary>Sharpness of the prototype map: p = sigmoid(Temperature * (cos(f, target) - cos(f, background))).</summary>
    public float PrototypeTemperature { get; init; } = 20f;

    /// <summary>Share of the logistic-regression map in the average (the prototype map has the rest).</summary>
    public float RegressionWeight { get; init; } = 0.5f;

    /// <summary>Add the cell's normalised x, y (0..1) as features of the regression.</summary>
    public bool UsePosition { get; init; } = true;

    /// <summary>Add the cell's mean intensity (0..1) as a feature of the regression.</summary>
    public bool UseIntensity { get; init; } = true;

    /// <summary>Add the <see cref="TextureFeatures"/> responses to the regression's features and to the prototypes' cells.</summary>
    public bool UseTexture { get; init; } = true;

    /// <summary>
    /// Factor on the texture responses (0..255 scale) in the prototypes' cell vectors, beside the unit-length dense
    /// features: at 0.02 the prototypes weigh the image's own structure about as much as the features (accuracy bench:
    /// 0.01 to 0.1 within 0.015 of each other on busi).
    /// </summary>
    public float TextureWeight { get; init; } = 0.02f;

    /// <summary>
    /// Share of <see cref="TextureWeight"/> the smoothed intensities get in the prototypes' cell vectors (the derivative
    /// responses get all of it). On the 0..255 scale the five smoothed planes outweigh the derivatives, so the cosine
    /// map followed how bright a cell is more than its structure. Accuracy bench replay (map + GrabCut, K = 5 / 10):
    /// at 0.5, busi 0.500 / 0.533 to 0.557 / 0.562 and cxr-lung 0.835 / 0.877 to 0.830 / 0.874 against 1; 0 and 0.25
    /// gain as much on busi and lose more on cxr-lung at K = 10. Through the cluster at K = 10: busi 0.5468 to 0.5701,
    /// cxr-lung 0.8850 to 0.8818 (bench/RESULTS.md).
    /// </summary>
    public float PrototypeIntensityShare { get; init; } = 0.5f;

    public void Validate()
    {
        if (!(Lambda >= 0) || MaxIterations <= 0 || !(PrototypeTemperature > 0) || !(RegressionWeight is >= 0 and <= 1) || !(TextureWeight >= 0) || !(PrototypeIntensityShare >= 0))
        {
            throw new ArgumentException(
                $"Invalid localisation options: Lambda {Lambda} (>= 0), MaxIterations {MaxIterations} (> 0), PrototypeTemperature {PrototypeTemperature} (> 0), RegressionWeight {RegressionWeight} (0..1), TextureWeight {TextureWeight} (>= 0), PrototypeIntensityShare {PrototypeIntensityShare} (>= 0).");
        }
    }
}
