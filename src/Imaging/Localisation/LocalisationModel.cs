using System.Numerics.Tensors;

namespace SamMpa.Imaging.Localisation;

/// <summary>The fitted few-shot pixel model (see <see cref="FewShotLocaliser"/>); thread-safe, immutable.</summary>
public sealed class LocalisationModel
{
    private readonly PixelFeatureLayout _layout;
    private readonly float[] _mean;
    private readonly float[] _scale;
    private readonly LogisticRegression _regression;
    private readonly float[] _targetPrototype;
    private readonly float[] _backgroundPrototype;
    private readonly LocalisationOptions _options;

    internal LocalisationModel(
        PixelFeatureLayout layout, float[] mean, float[] scale, LogisticRegression regression, float[] targetPrototype, float[] backgroundPrototype, LocalisationOptions options)
    {
        _layout = layout;
        _mean = mean;
        _scale = scale;
        _regression = regression;
        _targetPrototype = targetPrototype;
        _backgroundPrototype = backgroundPrototype;
        _options = options;
    }

    /// <summary>L-BFGS iterations the regression took.</summary>
    public int RegressionIterations => _regression.Iterations;

    public ProbabilityMap Predict(LocalisationImage query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var cells = query.Features.Cells;
        var d = _layout.Dimension;
        var rows = new float[cells * d];
        var texture = _layout.TextureOf(query.Working);
        _layout.Fill(query.Features, query.Working, texture, rows);
        var regression = new float[cells];
        var prototype = new float[cells];
        var combined = new float[cells];
        var cell = new float[FewShotLocaliser.PrototypeLength(_layout)];
        var textureWeights = FewShotLocaliser.PrototypeTextureWeights(_layout, _options);
        for (var i = 0; i < cells; i++)
        {
            var row = rows.AsSpan(i * d, d);
            TensorPrimitives.Subtract(row, _mean, row);
            TensorPrimitives.Multiply(row, _scale, row);
            regression[i] = _regression.Predict(row);

            FewShotLocaliser.CopyPrototypeCell(query.Features, texture, textureWeights, i, cell);
            FewShotLocaliser.Normalise(cell);
            var contrast = TensorPrimitives.Dot(cell, _targetPrototype) - TensorPrimitives.Dot(cell, _backgroundPrototype);
            prototype[i] = LogisticRegression.Sigmoid(_options.PrototypeTemperature * contrast);
            combined[i] = (_options.RegressionWeight * regression[i]) + ((1 - _options.RegressionWeight) * prototype[i]);
        }

        return new ProbabilityMap(query.Features.Width, query.Features.Height, combined, regression, prototype);
    }
}
