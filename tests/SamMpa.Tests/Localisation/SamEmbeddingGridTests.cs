using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class SamEmbeddingGridTests
{
    private const int Size = 64;
    private const int Cells = Size * Size;

    [Fact]
    public void Each_cell_is_the_area_mean_of_the_embedding_cells_it_covers_made_unit_length()
    {
        // Channel 0 is 1 everywhere, channel 1 the embedding column: a 16-cell grid cell t covers columns 4t..4t+3.
        var embedding = new float[2 * Cells];
        for (var i = 0; i < Cells; i++)
        {
            embedding[i] = 1f;
            embedding[Cells + i] = i % Size;
        }

        var map = SamEmbeddingGrid.OnGrid(embedding, 256, 256, 16, 16);

        Assert.Equal((2, 16, 16), (map.Channels, map.Height, map.Width));
        for (var x = 0; x < 16; x++)
        {
            var mean = (4 * x) + 1.5;
            var length = Math.Sqrt(1 + (mean * mean));
            for (var y = 0; y < 16; y += 5)
            {
                var cell = (y * 16) + x;
                Assert.True(
                    Math.Abs(map.Values[cell] - (1 / length)) < 1e-5 && Math.Abs(map.Values[256 + cell] - (mean / length)) < 1e-5,
                    $"cell ({x}, {y}): expected ({1 / length:F5}, {mean / length:F5}), got ({map.Values[cell]:F5}, {map.Values[256 + cell]:F5})");
            }
        }
    }

    [Fact]
    public void Only_the_part_of_the_frame_the_image_covers_is_kept_at_a_grid_that_does_not_divide_64()
    {
        // A 256 x 128 image fills the top 32 embedding rows of SAM's padded frame; the padding holds a value that would
        // show in channel 1 if any of it were averaged in.
        var embedding = new float[2 * Cells];
        for (var i = 0; i < Cells; i++)
        {
            var padding = i / Size >= 32;
            embedding[i] = padding ? 0f : 1f;
            embedding[Cells + i] = padding ? 50f : 0f;
        }

        var map = SamEmbeddingGrid.OnGrid(embedding, 256, 128, 28, 28);

        var cells = map.Cells;
        for (var cell = 0; cell < cells; cell++)
        {
            Assert.True(
                Math.Abs(map.Values[cell] - 1f) < 1e-5 && map.Values[cells + cell] == 0f,
                $"cell {cell}: expected (1, 0) from the image's part of the frame alone, got ({map.Values[cell]}, {map.Values[cells + cell]})");
        }
    }

    [Fact]
    public void A_target_in_one_quarter_of_the_embedding_lands_in_the_same_quarter_of_the_grid()
    {
        var embedding = new float[2 * Cells];
        for (var i = 0; i < Cells; i++)
        {
            var (x, y) = (i % Size, i / Size);
            var target = x < 32 && y >= 32;
            embedding[target ? Cells + i : i] = 1f;
        }

        var map = SamEmbeddingGrid.OnGrid(embedding, 200, 200, 28, 28);

        Assert.True(map.Values[784 + (20 * 28) + 5] > 0.99f, "expected the bottom-left cell (5, 20) to hold the target channel");
        Assert.True(map.Values[784 + (5 * 28) + 20] == 0f, "expected the top-right cell (20, 5) to hold none of it");
        Assert.True(map.Values[(5 * 28) + 20] > 0.99f, "expected the top-right cell (20, 5) to hold the background channel");
    }

    [Fact]
    public void Cells_that_are_zero_stay_zero()
    {
        var map = SamEmbeddingGrid.OnGrid(new float[3 * Cells], 64, 64, 7, 7);

        Assert.All(map.Values, v => Assert.Equal(0f, v));
    }

    [Fact]
    public void An_embedding_of_the_wrong_size_or_an_empty_grid_is_refused_saying_what_was_expected()
    {
        var wrong = Assert.Throws<ArgumentException>(() => SamEmbeddingGrid.OnGrid(new float[1000], 256, 256, 28, 28));
        Assert.Contains("C x 64 x 64", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("1000", wrong.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => SamEmbeddingGrid.OnGrid(new float[Cells], 256, 256, 0, 28));
        Assert.Throws<ArgumentOutOfRangeException>(() => SamEmbeddingGrid.OnGrid(new float[Cells], 0, 256, 28, 28));
    }
}
