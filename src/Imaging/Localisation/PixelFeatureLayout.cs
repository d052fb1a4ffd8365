using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// The regression's per-cell vector: the dense features, then (optionally) the cell centre's x and y in 0..1 and the
/// cell's mean intensity in 0..1.
/// </summary>
public sealed record PixelFeatureLayout(int Channels, int GridWidth, int GridHeight, bool Position, bool Intensity)
{
    public int Dimension => Channels + (Position ? 2 : 0) + (Intensity ? 1 : 0);

    /// <summary>Writes one row per cell (row-major cells) into <paramref name="rows"/> (cells x Dimension).</summary>
    public void Fill(DenseFeatureMap features, GrayImage working, Span<float> rows)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(working);
        if (features.Channels != Channels || features.Width != GridWidth || features.Height != GridHeight)
        {
            throw new ArgumentException(
                $"Feature map {features.Channels}x{features.Height}x{features.Width} does not match the model's {Channels}x{GridHeight}x{GridWidth}.", nameof(features));
        }

        var cells = features.Cells;
        var d = Dimension;
        float[]? intensity = Intensity ? GridSampling.ToGrid(working, GridWidth, GridHeight) : null;
        for (var c = 0; c < Channels; c++)
        {
            var plane = features.Plane(c);
            for (var i = 0; i < cells; i++)
            {
                rows[(i * d) + c] = plane[i];
            }
        }

        for (var i = 0; i < cells; i++)
        {
            var column = Channels;
            if (Position)
            {
                rows[(i * d) + column++] = ((i % GridWidth) + 0.5f) / GridWidth;
                rows[(i * d) + column++] = ((i / GridWidth) + 0.5f) / GridHeight;
            }

            if (intensity is not null)
            {
                rows[(i * d) + column] = intensity[i] / 255f;
            }
        }
    }
}
