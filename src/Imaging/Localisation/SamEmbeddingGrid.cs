using System.Numerics.Tensors;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Sam;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// A SAM image embedding (C x 64 x 64 over SAM's padded 1024 frame) as dense features on the localisation grid: only
/// the part of the frame the image covers (longest side to 1024, padding bottom/right) is kept, so cells line up with
/// the image as the ResNet18 grid's do; each grid cell is the area-weighted mean of the embedding cells it overlaps,
/// and each cell's vector is then L2-normalised (zero stays zero).
/// </summary>
public static class SamEmbeddingGrid
{
    private const int Size = SamImageEncoder.EmbeddingSize;
    private const int Cells = Size * Size;

    /// <param name="embedding">The encoder's output for the image, channel-major, C x 64 x 64.</param>
    /// <param name="imageWidth">Width of the image the encoder saw (its working size).</param>
    /// <param name="imageHeight">Height of the image the encoder saw.</param>
    /// <param name="gridWidth">Columns of the localisation grid.</param>
    /// <param name="gridHeight">Rows of the localisation grid.</param>
    public static DenseFeatureMap OnGrid(ReadOnlySpan<float> embedding, int imageWidth, int imageHeight, int gridWidth, int gridHeight)
    {
        if (embedding.Length == 0 || embedding.Length % Cells != 0)
        {
            throw new ArgumentException($"A SAM embedding has C x {Size} x {Size} values; got {embedding.Length}.", nameof(embedding));
        }

        if (gridWidth <= 0 || gridHeight <= 0 || gridWidth > Size * 4 || gridHeight > Size * 4)
        {
            throw new ArgumentOutOfRangeException(nameof(gridWidth), $"The localisation grid must be 1 to {Size * 4} cells a side, not {gridWidth}x{gridHeight}.");
        }

        var frame = new SamFrame(imageWidth, imageHeight);
        var columns = AreaWeights.For(frame.ResizedWidth / (double)(SamFrame.ImageSize / Size), gridWidth);
        var rows = AreaWeights.For(frame.ResizedHeight / (double)(SamFrame.ImageSize / Size), gridHeight);
        var channels = embedding.Length / Cells;
        var cells = gridWidth * gridHeight;
        var values = new float[channels * cells];
        var rowMeans = new float[gridHeight * Size];
        for (var c = 0; c < channels; c++)
        {
            var plane = embedding.Slice(c * Cells, Cells);
            Array.Clear(rowMeans);
            rows.Apply(plane, Size, rowMeans);
            var target = values.AsSpan(c * cells, cells);
            for (var y = 0; y < gridHeight; y++)
            {
                columns.ApplyToLine(rowMeans.AsSpan(y * Size, Size), target.Slice(y * gridWidth, gridWidth));
            }
        }

        CellVectors.Normalise(values, cells, 0, channels, blocks: 1f);
        return new DenseFeatureMap(channels, gridHeight, gridWidth, values);
    }

    /// <summary>
    /// For each target cell along one axis, the embedding cells it overlaps and their shares: target cell t covers
    /// [t * extent / count, (t + 1) * extent / count) in embedding cells, where extent is how far the image reaches.
    /// </summary>
    private sealed class AreaWeights
    {
        private readonly int[] _first;
        private readonly float[][] _shares;

        private AreaWeights(int[] first, float[][] shares) => (_first, _shares) = (first, shares);

        public static AreaWeights For(double extent, int count)
        {
            extent = Math.Clamp(extent, 1e-6, Size);
            var first = new int[count];
            var shares = new float[count][];
            for (var t = 0; t < count; t++)
            {
                var start = t * extent / count;
                var end = (t + 1) * extent / count;
                var from = Math.Min((int)Math.Floor(start), Size - 1);
                var to = Math.Clamp((int)Math.Ceiling(end), from + 1, Size);
                var weights = new float[to - from];
                for (var s = from; s < to; s++)
                {
                    weights[s - from] = (float)((Math.Min(end, s + 1) - Math.Max(start, s)) / (end - start));
                }

                first[t] = from;
                shares[t] = weights;
            }

            return new AreaWeights(first, shares);
        }

        /// <summary>Rows of a Size x Size plane into count rows of Size values (the vertical pass).</summary>
        public void Apply(ReadOnlySpan<float> plane, int width, Span<float> destination)
        {
            for (var t = 0; t < _first.Length; t++)
            {
                var target = destination.Slice(t * width, width);
                var weights = _shares[t];
                for (var k = 0; k < weights.Length; k++)
                {
                    TensorPrimitives.MultiplyAdd(plane.Slice((_first[t] + k) * width, width), weights[k], target, target);
                }
            }
        }

        /// <summary>One line of Size values into count values (the horizontal pass).</summary>
        public void ApplyToLine(ReadOnlySpan<float> line, Span<float> destination)
        {
            for (var t = 0; t < _first.Length; t++)
            {
                var weights = _shares[t];
                var sum = 0f;
                for (var k = 0; k < weights.Length; k++)
                {
                    sum += weights[k] * line[_first[t] + k];
                }

                destination[t] = sum;
            }
        }
    }
}
