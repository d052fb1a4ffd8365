using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// The regression's per-cell vector: the dense features, then (optionally) the cell centre's x and y in 0..1, the
/// cell's mean intensity in 0..1 and the <see cref="TextureFeatures"/> responses.
/// </summary>
public sealed record PixelFeatureLayout(int Channels, int GridWidth, int GridHeight, bool Position, bool Intensity, bool Texture = false)
{
    public int Dimension => Channels + (Position ? 2 : 0) + (Intensity ? 1 : 0) + (Texture ? TextureFeatures.Count : 0);

    /// <summary>The image's texture planes on this grid when the layout uses them, else empty.</summary>
    public float[] TextureOf(GrayImage working)
    {
        ArgumentNullException.ThrowIfNull(working);
        return Texture ? TextureFeatures.OnGrid(working, GridWidth, GridHeight) : [];
    }

    /// <summary>Writes one row per cell (row-major cells) into <paramref name="rows"/> (cells x Dimension).</summary>
    /// <param name="texture">The image's <see cref="TextureOf"/>.</param>
    public void Fill(DenseFeatureMap features, GrayImage working, ReadOnlySpan<float> texture, Span<float> rows)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(working);
        if (features.Channels != Channels || features.Width != GridWidth || features.Height != GridHeight)
        {
            throw new ArgumentException(
                $"Feature map {features.Channels}x{features.Height}x{features.Width} does not match the model's {Channels}x{GridHeight}x{GridWidth}.", nameof(features));
        }

        var cells = features.Cells;
        var textureCount = Texture ? TextureFeatures.Count : 0;
        if (texture.Length != textureCount * cells)
        {
            throw new ArgumentException($"Expected {textureCount} texture planes of {cells} cells, got {texture.Length} values.", nameof(texture));
        }

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
                rows[(i * d) + column++] = intensity[i] / 255f;
            }

            for (var t = 0; t < textureCount; t++)
            {
                rows[(i * d) + column++] = texture[(t * cells) + i];
            }
        }
    }
}
