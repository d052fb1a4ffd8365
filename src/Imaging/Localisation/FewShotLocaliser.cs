using System.Numerics.Tensors;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// Fits the few-shot pixel model on the K annotated supports: every grid cell of every support is a sample whose
/// target is the share of the cell inside the support's mask. Two models come out of the same cells: a regularised
/// logistic regression on [dense features, normalised x, y, intensity, <see cref="TextureFeatures"/>] (standardised with
/// the supports' statistics) and the masked prototypes (mean [feature, weighted texture] vector of the target cells and
/// of the background cells) for a cosine-similarity map. Deterministic: the same supports always give the same model.
/// </summary>
public static class FewShotLocaliser
{
    public static LocalisationModel Fit(IReadOnlyList<LocalisationSupport> supports, LocalisationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(supports);
        options ??= new LocalisationOptions();
        options.Validate();
        if (supports.Count == 0)
        {
            throw new ArgumentException("The pixel model needs at least one annotated support.", nameof(supports));
        }

        var first = supports[0].Features;
        for (var s = 0; s < supports.Count; s++)
        {
            var f = supports[s].Features;
            if (f.Channels != first.Channels || f.Height != first.Height || f.Width != first.Width)
            {
                throw new ArgumentException(
                    $"Support {s}: feature map {f.Channels}x{f.Height}x{f.Width} differs from support 0's {first.Channels}x{first.Height}x{first.Width}.", nameof(supports));
            }

            if (supports[s].Mask.Width != supports[s].Working.Width || supports[s].Mask.Height != supports[s].Working.Height)
            {
                throw new ArgumentException(
                    $"Support {s}: mask {supports[s].Mask.Width}x{supports[s].Mask.Height} differs from its image {supports[s].Working.Width}x{supports[s].Working.Height}.", nameof(supports));
            }
        }

        var layout = new PixelFeatureLayout(first.Channels, first.Width, first.Height, options.UsePosition, options.UseIntensity, options.UseTexture);
        var cells = first.Cells;
        var n = supports.Count * cells;
        var d = layout.Dimension;
        var samples = new float[(long)n * d];
        var targets = new float[n];
        var prototypeLength = PrototypeLength(layout);
        var targetPrototype = new float[prototypeLength];
        var backgroundPrototype = new float[prototypeLength];
        var cell = new float[prototypeLength];
        var textureWeights = PrototypeTextureWeights(layout, options);
        for (var s = 0; s < supports.Count; s++)
        {
            var support = supports[s];
            var share = GridSampling.ToGrid(support.Mask, first.Width, first.Height);
            var texture = layout.TextureOf(support.Working);
            layout.Fill(support.Features, support.Working, texture, samples.AsSpan(s * cells * d, cells * d));
            for (var i = 0; i < cells; i++)
            {
                var t = Math.Clamp(share[i], 0f, 1f);
                targets[(s * cells) + i] = t;
                CopyPrototypeCell(support.Features, texture, textureWeights, i, cell);
                TensorPrimitives.MultiplyAdd(cell, t, targetPrototype, targetPrototype);
                TensorPrimitives.MultiplyAdd(cell, 1f - t, backgroundPrototype, backgroundPrototype);
            }
        }

        var targetMass = targets.Sum();
        if (targetMass <= 0)
        {
            throw new ArgumentException("The supports' masks are all empty: there is no target to learn.", nameof(supports));
        }

        var (mean, scale) = Standardise(samples, n, d);
        float[]? weights = null;
        if (options.BalanceClasses)
        {
            var background = n - targetMass;
            weights = new float[n];
            for (var i = 0; i < n; i++)
            {
                // Half the loss for each class: a soft cell is split between them in proportion.
                weights[i] = (float)((targets[i] * 0.5 / targetMass) + ((1 - targets[i]) * 0.5 / Math.Max(background, 1e-6))) * n;
            }
        }

        var regression = LogisticRegression.Fit(samples, d, targets, weights, options.Lambda, options.MaxIterations);
        Normalise(targetPrototype);
        Normalise(backgroundPrototype);
        return new LocalisationModel(layout, mean, scale, regression, targetPrototype, backgroundPrototype, options);
    }

    /// <summary>Standardises every column in place; returns the means and the 1/std scales used.</summary>
    private static (float[] Mean, float[] Scale) Standardise(float[] samples, int n, int d)
    {
        var mean = new double[d];
        var square = new double[d];
        for (var i = 0; i < n; i++)
        {
            var row = samples.AsSpan(i * d, d);
            for (var j = 0; j < d; j++)
            {
                mean[j] += row[j];
                square[j] += row[j] * (double)row[j];
            }
        }

        var means = new float[d];
        var scales = new float[d];
        for (var j = 0; j < d; j++)
        {
            var m = mean[j] / n;
            var variance = Math.Max((square[j] / n) - (m * m), 0);
            means[j] = (float)m;
            scales[j] = variance > 1e-12 ? (float)(1 / Math.Sqrt(variance)) : 0f;
        }

        for (var i = 0; i < n; i++)
        {
            var row = samples.AsSpan(i * d, d);
            TensorPrimitives.Subtract(row, means, row);
            TensorPrimitives.Multiply(row, scales, row);
        }

        return (means, scales);
    }

    /// <summary>Length of a prototype's vector: the dense features, then the texture responses when the layout has them.</summary>
    internal static int PrototypeLength(PixelFeatureLayout layout) => layout.Channels + (layout.Texture ? TextureFeatures.Count : 0);

    /// <summary>
    /// The factor on each texture plane in the prototypes' cell vectors: <see cref="LocalisationOptions.TextureWeight"/>,
    /// times <see cref="LocalisationOptions.PrototypeIntensityShare"/> on the smoothed intensities; empty without texture.
    /// </summary>
    internal static float[] PrototypeTextureWeights(PixelFeatureLayout layout, LocalisationOptions options)
    {
        if (!layout.Texture)
        {
            return [];
        }

        var weights = new float[TextureFeatures.Count];
        for (var t = 0; t < weights.Length; t++)
        {
            weights[t] = t % TextureFeatures.PerScale == TextureFeatures.Smoothed
                ? options.TextureWeight * options.PrototypeIntensityShare
                : options.TextureWeight;
        }

        return weights;
    }

    /// <summary>One cell's vector for the prototypes: its dense features, then its texture responses times <paramref name="textureWeights"/>.</summary>
    internal static void CopyPrototypeCell(DenseFeatureMap features, ReadOnlySpan<float> texture, ReadOnlySpan<float> textureWeights, int cell, Span<float> destination)
    {
        features.CopyCell(cell, destination);
        var cells = features.Cells;
        for (var t = 0; t < textureWeights.Length; t++)
        {
            destination[features.Channels + t] = textureWeights[t] * texture[(t * cells) + cell];
        }
    }

    internal static void Normalise(Span<float> vector)
    {
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 1e-12f)
        {
            TensorPrimitives.Divide(vector, norm, vector);
        }
    }
}
