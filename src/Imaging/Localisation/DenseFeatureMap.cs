namespace SamMpa.Imaging.Localisation;

/// <summary>
/// Per-pixel feature vectors of one image on a coarse grid: <see cref="Channels"/> planes of
/// <see cref="Height"/> x <see cref="Width"/> values, channel-major (value of channel c at (x, y) is at
/// c * Height * Width + y * Width + x).
/// </summary>
public sealed class DenseFeatureMap
{
    public DenseFeatureMap(int channels, int height, int width, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (channels <= 0 || height <= 0 || width <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(channels), $"A feature map needs positive sizes, not {channels}x{height}x{width}.");
        }

        if (values.Length != (long)channels * height * width)
        {
            throw new ArgumentException($"A {channels}x{height}x{width} feature map needs {(long)channels * height * width} values, got {values.Length}.", nameof(values));
        }

        Channels = channels;
        Height = height;
        Width = width;
        Values = values;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Number of grid cells (Height x Width).</summary>
    public int Cells => Height * Width;

    public float[] Values { get; }

    /// <summary>One channel's plane.</summary>
    public ReadOnlySpan<float> Plane(int channel) => Values.AsSpan(channel * Cells, Cells);

    /// <summary>Copies the feature vector of one cell (index y * Width + x) into <paramref name="destination"/>.</summary>
    public void CopyCell(int cell, Span<float> destination)
    {
        var cells = Cells;
        for (var c = 0; c < Channels; c++)
        {
            destination[c] = Values[(c * cells) + cell];
        }
    }
}
