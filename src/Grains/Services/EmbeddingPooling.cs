namespace SamMpa.Grains.Services;

/// <summary>
/// Shrinks an embedding for selection by averaging runs of consecutive values: d values become ceil(d / f) with
/// f = ceil(d / target). For SAM's channel-major 256x64x64 embedding, a target of 256 is global average pooling per channel.
/// </summary>
public static class EmbeddingPooling
{
    public static float[] Pool(ReadOnlySpan<float> values, int target)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(target);
        if (values.Length <= target)
        {
            return values.ToArray();
        }

        var factor = (values.Length + target - 1) / target;
        var pooled = new float[(values.Length + factor - 1) / factor];
        for (var i = 0; i < pooled.Length; i++)
        {
            var run = values.Slice(i * factor, Math.Min(factor, values.Length - (i * factor)));
            pooled[i] = System.Numerics.Tensors.TensorPrimitives.Sum(run) / run.Length;
        }

        return pooled;
    }
}
