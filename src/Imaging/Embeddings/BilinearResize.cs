using System.Buffers;
using System.Numerics.Tensors;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// Separable bilinear (triangle-filter) resize with the pixel-centre convention, as PIL's BILINEAR
/// (used by SAM's ResizeLongestSide through torchvision): for upscaling it is plain bilinear interpolation
/// with edge clamping; for downscaling the triangle widens by the scale factor, so it also anti-aliases.
/// Private to the encoders' preprocessing.
/// </summary>
internal static class BilinearResize
{
    public static void Resize(ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, Span<float> destination, int width, int height)
    {
        if (source.Length < sourceWidth * sourceHeight || destination.Length < width * height)
        {
            throw new ArgumentException("Buffer smaller than the image size.");
        }

        if (sourceWidth == width && sourceHeight == height)
        {
            source[..(width * height)].CopyTo(destination);
            return;
        }

        var horizontal = new AxisWeights(sourceWidth, width);
        var vertical = new AxisWeights(sourceHeight, height);

        // Horizontal pass: sourceHeight x width.
        var temp = ArrayPool<float>.Shared.Rent(sourceHeight * width);
        try
        {
            for (var y = 0; y < sourceHeight; y++)
            {
                var row = source.Slice(y * sourceWidth, sourceWidth);
                var outRow = temp.AsSpan(y * width, width);
                for (var x = 0; x < width; x++)
                {
                    var start = horizontal.Start[x];
                    var weights = horizontal.WeightsOf(x);
                    var taps = row.Slice(start, weights.Length);
                    var sum = 0f;
                    for (var k = 0; k < weights.Length; k++)
                    {
                        sum += taps[k] * weights[k];
                    }

                    outRow[x] = sum;
                }
            }

            // Vertical pass: whole rows at a time (vectorised).
            for (var y = 0; y < height; y++)
            {
                var outRow = destination.Slice(y * width, width);
                var start = vertical.Start[y];
                var weights = vertical.WeightsOf(y);
                TensorPrimitives.Multiply(temp.AsSpan(start * width, width), weights[0], outRow);
                for (var k = 1; k < weights.Length; k++)
                {
                    TensorPrimitives.MultiplyAdd(temp.AsSpan((start + k) * width, width), weights[k], outRow, outRow);
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(temp);
        }
    }

    /// <summary>For each output index: the first input index and the normalised triangle weights.</summary>
    private sealed class AxisWeights
    {
        private readonly float[] _weights;
        private readonly int[] _count;
        private readonly int _stride;

        public AxisWeights(int inSize, int outSize)
        {
            var scale = (double)inSize / outSize;
            var filterScale = Math.Max(scale, 1.0);
            var support = filterScale; // triangle support 1, widened when downscaling
            _stride = (int)Math.Ceiling(support) * 2 + 1;
            Start = new int[outSize];
            _count = new int[outSize];
            _weights = new float[outSize * _stride];
            var inverse = 1.0 / filterScale;
            for (var i = 0; i < outSize; i++)
            {
                var centre = (i + 0.5) * scale;
                var min = Math.Max(0, (int)(centre - support + 0.5));
                var max = Math.Min(inSize, (int)(centre + support + 0.5));
                var count = Math.Min(max - min, _stride);
                var weights = _weights.AsSpan(i * _stride, count);
                var total = 0.0;
                for (var k = 0; k < count; k++)
                {
                    var w = Math.Max(0.0, 1.0 - Math.Abs((k + min - centre + 0.5) * inverse));
                    weights[k] = (float)w;
                    total += w;
                }

                if (total > 0)
                {
                    var norm = (float)(1.0 / total);
                    for (var k = 0; k < count; k++)
                    {
                        weights[k] *= norm;
                    }
                }
                else
                {
                    weights.Clear();
                    weights[0] = 1f;
                }

                Start[i] = min;
                _count[i] = count;
            }
        }

        public int[] Start { get; }

        public ReadOnlySpan<float> WeightsOf(int index) => _weights.AsSpan(index * _stride, _count[index]);
    }
}
