using SamMpa.Imaging.Images;
using SamMpa.Imaging.Sam;
using SamMpa.Tests.SamDecoding;

namespace SamMpa.Tests.PerSam;

using PerSamMethod = SamMpa.Imaging.Sam.PerSam;

public sealed class PerSamTests(DecoderPackageFixture fixture) : IClassFixture<DecoderPackageFixture>
{
    private const int Grid = 64;
    private const int Cells = Grid * Grid;
    private const int Channels = 256;

    // Support: 128 x 128 (frame 1024 x 1024, 8x), mask pixels [32, 64) -> frame [256, 512) -> cells 16..31.
    private const int SupportSize = 128;

    // Query: 200 x 100 -> frame 1024 x 512, so rows 0..31 of the grid are the image and 32..63 padding.
    private const int QueryWidth = 200;
    private const int QueryHeight = 100;

    private static readonly (int X, int Y) DissimilarCell = (5, 20);

    [Fact]
    public void Prototype_is_the_feature_under_the_support_mask()
    {
        using var mask = SupportMask();
        var prototype = PerSamMethod.Prototype(SupportEmbedding(), mask);

        Assert.Equal(Channels, prototype.Length);
        Assert.Equal(1f, prototype[0], 5);
        Assert.Equal(0f, prototype[1], 5);
    }

    [Fact]
    public void Soft_mask_without_cells_above_half_weights_by_soft_values()
    {
        using var mask = new GrayImage(SupportSize, SupportSize);
        mask.Pixels.Fill(0.3f);
        var embedding = new float[Channels * Cells];
        embedding.AsSpan(2 * Cells, Cells).Fill(3f);

        var prototype = PerSamMethod.Prototype(embedding, mask);

        Assert.Equal(3f, prototype[2], 4);
        Assert.Equal(0f, prototype[0]);
    }

    [Fact]
    public void Points_go_to_the_most_and_least_similar_cells_inside_the_image()
    {
        using var mask = SupportMask();
        var prototype = PerSamMethod.Prototype(SupportEmbedding(), mask);

        var (positive, negative) = PerSamMethod.ChoosePoints(QueryEmbedding(), prototype, new SamFrame(QueryWidth, QueryHeight));

        Assert.Equal((40, 10), positive); // first A cell in row-major order
        Assert.Equal(DissimilarCell, negative); // the exact -A cell lies in the padding and is ignored
    }

    [Fact]
    public void Final_logits_are_positive_at_the_positive_point()
    {
        using var mask = SupportMask();
        var frame = new SamFrame(QueryWidth, QueryHeight);

        using var final = PerSamMethod.Segment(fixture.Decoder, SupportEmbedding(), mask, QueryEmbedding(), frame);

        Assert.Equal((QueryWidth, QueryHeight), (final.Width, final.Height));
        var (px, py) = frame.FromInput(PerSamMethod.CellCentre(40), PerSamMethod.CellCentre(10));
        var (nx, ny) = frame.FromInput(PerSamMethod.CellCentre(DissimilarCell.X), PerSamMethod.CellCentre(DissimilarCell.Y));
        Assert.True(final[(int)MathF.Round(px), (int)MathF.Round(py)] > 0f, $"positive point {final[(int)MathF.Round(px), (int)MathF.Round(py)]}");
        Assert.True(final[(int)MathF.Round(nx), (int)MathF.Round(ny)] < 0f, $"negative point {final[(int)MathF.Round(nx), (int)MathF.Round(ny)]}");
    }

    [Fact]
    public void Empty_support_mask_throws()
    {
        using var mask = new GrayImage(SupportSize, SupportSize);
        var frame = new SamFrame(QueryWidth, QueryHeight);

        var error = Assert.Throws<ArgumentException>(
            () => PerSamMethod.Segment(fixture.Decoder, SupportEmbedding(), mask, QueryEmbedding(), frame));
        Assert.Contains("support mask is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_embedding_lengths_throw()
    {
        using var mask = SupportMask();
        var frame = new SamFrame(QueryWidth, QueryHeight);
        var shortEmbedding = new float[(Channels * Cells) - 1];

        Assert.Throws<ArgumentException>(() => PerSamMethod.Segment(fixture.Decoder, shortEmbedding, mask, QueryEmbedding(), frame));
        Assert.Throws<ArgumentException>(() => PerSamMethod.Segment(fixture.Decoder, SupportEmbedding(), mask, shortEmbedding, frame));
        Assert.Throws<ArgumentException>(() => PerSamMethod.Prototype(shortEmbedding, mask));
        Assert.Throws<ArgumentException>(() => PerSamMethod.ChoosePoints(new float[Channels * Cells], new float[3], frame));
    }

    private static GrayImage SupportMask()
    {
        var mask = new GrayImage(SupportSize, SupportSize);
        for (var y = 32; y < 64; y++)
        {
            mask.Row(y)[32..64].Fill(1f);
        }

        return mask;
    }

    /// <summary>Feature A = e0 on cells 16..31 x 16..31 (under the support mask), B = e1 elsewhere.</summary>
    private static float[] SupportEmbedding()
    {
        var embedding = new float[Channels * Cells];
        for (var y = 0; y < Grid; y++)
        {
            for (var x = 0; x < Grid; x++)
            {
                var inside = x is >= 16 and < 32 && y is >= 16 and < 32;
                Set(embedding, x, y, inside ? 1f : 0f, inside ? 0f : 1f);
            }
        }

        return embedding;
    }

    /// <summary>A on cells 40..45 x 10..15, -A + 0.1 B at <see cref="DissimilarCell"/>, exact -A in the padding, B elsewhere.</summary>
    private static float[] QueryEmbedding()
    {
        var embedding = new float[Channels * Cells];
        for (var y = 0; y < Grid; y++)
        {
            for (var x = 0; x < Grid; x++)
            {
                if (x is >= 40 and < 46 && y is >= 10 and < 16)
                {
                    Set(embedding, x, y, 1f, 0f);
                }
                else if ((x, y) == DissimilarCell)
                {
                    Set(embedding, x, y, -1f, 0.1f);
                }
                else if ((x, y) == (50, 50))
                {
                    Set(embedding, x, y, -1f, 0f);
                }
                else
                {
                    Set(embedding, x, y, 0f, 1f);
                }
            }
        }

        return embedding;
    }

    private static void Set(float[] embedding, int x, int y, float a, float b)
    {
        embedding[(y * Grid) + x] = a;
        embedding[Cells + (y * Grid) + x] = b;
    }
}
