using System.Buffers;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// Training-free PerSAM baseline (Zhang et al. 2023, "Personalize Segment Anything Model with One Shot"): a foreground
/// prototype from the support image's embedding under its mask, a positive/negative point pair on the query at the
/// most/least cosine-similar embedding cells, SAM with those points, then PerSAM's cascaded post-refinement
/// (mask prompt, then mask prompt + box of the previous mask).
/// </summary>
/// <remarks>
/// Embeddings are channel-major [C][64][64] (C = <see cref="SamDecoder.EmbeddingLength"/> / 4096, 256 for SAM); one
/// embedding cell covers 16 x 16 pixels of the padded 1024 frame. Not PerSAM's target-guided attention/semantic
/// prompting (those need the decoder's internals): only the location prior and the cascaded refinement.
/// </remarks>
public static class PerSam
{
    /// <summary>Side of the embedding grid.</summary>
    public const int Grid = 64;

    /// <summary>Input pixels per embedding cell (1024 / 64).</summary>
    public const int CellSize = SamFrame.ImageSize / Grid;

    private const int Cells = Grid * Grid;
    private const float Threshold = 0.5f;

    /// <summary>
    /// Segments the query with PerSAM. Returns the final logits at <paramref name="queryFrame"/>'s original size
    /// (the caller thresholds at &gt; 0 and disposes the image).
    /// </summary>
    /// <param name="decoder">SAM prompt decoder.</param>
    /// <param name="supportEmbedding">The support image's embedding (C x 64 x 64).</param>
    /// <param name="supportMask">The support's soft mask (0..1) at the support's original size.</param>
    /// <param name="queryEmbedding">The query image's embedding (C x 64 x 64).</param>
    /// <param name="queryFrame">The query's SAM frame.</param>
    /// <exception cref="ArgumentException">Wrong embedding lengths, or the support mask is empty.</exception>
    public static GrayImage Segment(
        SamDecoder decoder,
        ReadOnlySpan<float> supportEmbedding,
        GrayImage supportMask,
        ReadOnlySpan<float> queryEmbedding,
        SamFrame queryFrame)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ArgumentNullException.ThrowIfNull(supportMask);
        ArgumentNullException.ThrowIfNull(queryFrame);
        CheckLength(supportEmbedding, decoder.EmbeddingLength, nameof(supportEmbedding));
        CheckLength(queryEmbedding, decoder.EmbeddingLength, nameof(queryEmbedding));

        var prototype = Prototype(supportEmbedding, supportMask);
        var (positive, negative) = ChoosePoints(queryEmbedding, prototype, queryFrame);
        List<(float X, float Y, float Label)> points =
        [
            (CellCentre(positive.X), CellCentre(positive.Y), SamPrompt.Foreground),
            (CellCentre(negative.X), CellCentre(negative.Y), SamPrompt.Background),
        ];
        var prompt = new SamPrompt { Frame = queryFrame, Points = points };

        // L0: points only; L1: cascaded step 1, same points + L0 as the mask prompt.
        GrayImage l1;
        using (var l0 = decoder.Decode(queryEmbedding, prompt, maskInput: null))
        {
            l1 = decoder.Decode(queryEmbedding, prompt, l0);
        }

        using (l1)
        {
            var l1Original = queryFrame.LowResLogitsToOriginal(l1);
            if (!TryPositiveBounds(l1Original, out var box))
            {
                return l1Original;
            }

            l1Original.Dispose();

            // Cascaded step 2: points + box of L1's mask, L1 as the mask prompt.
            var (bx0, by0) = queryFrame.ToInput(box.X0, box.Y0);
            var (bx1, by1) = queryFrame.ToInput(box.X1, box.Y1);
            var boxed = prompt with
            {
                Points = [.. points, (bx0, by0, SamPrompt.BoxTopLeft), (bx1, by1, SamPrompt.BoxBottomRight)],
            };
            using var l2 = decoder.Decode(queryEmbedding, boxed, l1);
            return queryFrame.LowResLogitsToOriginal(l2);
        }
    }

    /// <summary>
    /// Foreground prototype (C values): the mean of the support embedding's cell features over the cells whose
    /// downsampled mask is &gt; 0.5; when there are none, weighted by the soft downsampled mask.
    /// </summary>
    /// <exception cref="ArgumentException">The embedding length is not a multiple of 64 x 64, or the mask is empty.</exception>
    internal static float[] Prototype(ReadOnlySpan<float> supportEmbedding, GrayImage supportMask)
    {
        ArgumentNullException.ThrowIfNull(supportMask);
        var channels = Channels(supportEmbedding, nameof(supportEmbedding));
        var weights = ArrayPool<float>.Shared.Rent(Cells);
        try
        {
            var w = weights.AsSpan(0, Cells);
            MaskToGrid(supportMask, w);
            var hard = 0;
            foreach (var v in w)
            {
                if (v > Threshold)
                {
                    hard++;
                }
            }

            double total = 0;
            for (var i = 0; i < w.Length; i++)
            {
                if (hard > 0)
                {
                    w[i] = w[i] > Threshold ? 1f : 0f;
                }

                total += w[i];
            }

            if (!(total > 0))
            {
                throw new ArgumentException("The support mask is empty: no foreground to build a prototype from.", nameof(supportMask));
            }

            var prototype = new float[channels];
            for (var c = 0; c < channels; c++)
            {
                var plane = supportEmbedding.Slice(c * Cells, Cells);
                double sum = 0;
                for (var i = 0; i < Cells; i++)
                {
                    sum += w[i] * plane[i];
                }

                prototype[c] = (float)(sum / total);
            }

            return prototype;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(weights);
        }
    }

    /// <summary>
    /// The query cells (x, y in the 64 x 64 grid) of highest and lowest cosine similarity with
    /// <paramref name="prototype"/>, among the cells whose top-left corner lies inside the unpadded image
    /// (x * 16 &lt; ResizedWidth, y * 16 &lt; ResizedHeight). Ties go to the first cell in row-major order; a cell with
    /// a zero feature vector has similarity 0.
    /// </summary>
    internal static ((int X, int Y) Positive, (int X, int Y) Negative) ChoosePoints(
        ReadOnlySpan<float> queryEmbedding, ReadOnlySpan<float> prototype, SamFrame queryFrame)
    {
        ArgumentNullException.ThrowIfNull(queryFrame);
        var channels = Channels(queryEmbedding, nameof(queryEmbedding));
        if (prototype.Length != channels)
        {
            throw new ArgumentException($"The prototype has {prototype.Length} values; the embedding has {channels} channels.", nameof(prototype));
        }

        double protoNorm2 = 0;
        foreach (var p in prototype)
        {
            protoNorm2 += (double)p * p;
        }

        var protoNorm = (float)Math.Sqrt(protoNorm2);
        var pool = ArrayPool<float>.Shared;
        var dotBuffer = pool.Rent(Cells);
        var normBuffer = pool.Rent(Cells);
        try
        {
            var dots = dotBuffer.AsSpan(0, Cells);
            var norms = normBuffer.AsSpan(0, Cells);
            dots.Clear();
            norms.Clear();

            // One pass over the channel planes accumulates every cell's dot product and squared norm.
            for (var c = 0; c < channels; c++)
            {
                var plane = queryEmbedding.Slice(c * Cells, Cells);
                var pc = prototype[c];
                for (var i = 0; i < Cells; i++)
                {
                    var v = plane[i];
                    dots[i] += v * pc;
                    norms[i] += v * v;
                }
            }

            var cols = Math.Min(Grid, (queryFrame.ResizedWidth + CellSize - 1) / CellSize);
            var rows = Math.Min(Grid, (queryFrame.ResizedHeight + CellSize - 1) / CellSize);
            var best = float.NegativeInfinity;
            var worst = float.PositiveInfinity;
            (int X, int Y) positive = (0, 0), negative = (0, 0);
            for (var y = 0; y < rows; y++)
            {
                for (var x = 0; x < cols; x++)
                {
                    var i = (y * Grid) + x;
                    var denominator = MathF.Sqrt(norms[i]) * protoNorm;
                    var similarity = denominator > 0f ? dots[i] / denominator : 0f;
                    if (similarity > best)
                    {
                        best = similarity;
                        positive = (x, y);
                    }

                    if (similarity < worst)
                    {
                        worst = similarity;
                        negative = (x, y);
                    }
                }
            }

            return (positive, negative);
        }
        finally
        {
            pool.Return(normBuffer);
            pool.Return(dotBuffer);
        }
    }

    /// <summary>Centre of embedding cell <paramref name="index"/> along one axis, in the 1024 input frame.</summary>
    internal static float CellCentre(int index) => (index + 0.5f) * CellSize;

    /// <summary>
    /// The soft mask at original size on the 64 x 64 embedding grid, as SAM frames images: longest side to 1024 (the
    /// encoder's bilinear), zero padding bottom/right, 16 x 16 area average.
    /// </summary>
    internal static void MaskToGrid(GrayImage mask, Span<float> grid) => SamFrame.Of(mask).MaskToGrid(mask, CellSize, grid);

    private static int Channels(ReadOnlySpan<float> embedding, string name)
    {
        if (embedding.Length == 0 || embedding.Length % Cells != 0)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} values; expected C x {Grid} x {Grid}.", name);
        }

        return embedding.Length / Cells;
    }

    private static void CheckLength(ReadOnlySpan<float> embedding, int expected, string name)
    {
        if (embedding.Length != expected)
        {
            throw new ArgumentException($"The embedding has {embedding.Length} values; the SAM decoder needs {expected}.", name);
        }
    }

    /// <summary>Bounding box (SAM's convention: pixel indices, inclusive) of the logits &gt; 0.</summary>
    private static bool TryPositiveBounds(GrayImage logits, out (int X0, int Y0, int X1, int Y1) box)
    {
        var positive = new bool[logits.Length];
        var pixels = logits.Pixels;
        for (var i = 0; i < positive.Length; i++)
        {
            positive[i] = pixels[i] > 0f;
        }

        return MaskBounds.TryFind(positive, logits.Width, out box);
    }
}
