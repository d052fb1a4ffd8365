using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>Moves working-grid images to a feature grid and probability maps back.</summary>
public static class GridSampling
{
    /// <summary>
    /// The image averaged onto a width x height grid (bilinear with a box pre-filter when shrinking, so a cell holds
    /// about the mean of the pixels it covers; a 0/1 mask becomes the target share per cell).
    /// </summary>
    public static float[] ToGrid(GrayImage image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        using var small = Resampler.Bilinear(image, width, height);
        return small.Pixels.ToArray();
    }

    /// <summary>A grid of values upsampled bilinearly (pixel-centre convention) to a width x height image.</summary>
    public static GrayImage ToImage(ReadOnlySpan<float> grid, int gridWidth, int gridHeight, int width, int height)
    {
        if (grid.Length != gridWidth * gridHeight)
        {
            throw new ArgumentException($"A {gridWidth}x{gridHeight} grid needs {gridWidth * gridHeight} values, got {grid.Length}.", nameof(grid));
        }

        using var small = new GrayImage(gridWidth, gridHeight);
        grid.CopyTo(small.Pixels);
        return Resampler.Bilinear(small, width, height);
    }
}
