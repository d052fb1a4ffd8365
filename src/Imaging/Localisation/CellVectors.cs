using System.Numerics.Tensors;

namespace SamMpa.Imaging.Localisation;

/// <summary>Per-cell operations on channel-major feature values (channel c of cell i at c * cells + i).</summary>
internal static class CellVectors
{
    /// <summary>
    /// Scales each cell's vector over channels [first, first + count) to length 1/sqrt(<paramref name="blocks"/>), so that
    /// that many blocks side by side make a unit vector (zero stays zero).
    /// </summary>
    public static void Normalise(Span<float> values, int cells, int first, int count, float blocks)
    {
        var squares = new float[cells];
        for (var c = first; c < first + count; c++)
        {
            var plane = values.Slice(c * cells, cells);
            TensorPrimitives.MultiplyAdd(plane, plane, squares, squares);
        }

        for (var i = 0; i < cells; i++)
        {
            squares[i] = squares[i] > 1e-12f ? 1f / MathF.Sqrt(blocks * squares[i]) : 0f;
        }

        for (var c = first; c < first + count; c++)
        {
            var plane = values.Slice(c * cells, cells);
            TensorPrimitives.Multiply(plane, squares, plane);
        }
    }
}
