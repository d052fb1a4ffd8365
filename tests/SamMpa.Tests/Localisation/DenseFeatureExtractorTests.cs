using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Tests.Embeddings;

namespace SamMpa.Tests.Localisation;

public sealed class DenseFeatureExtractorTests
{
    [Fact]
    public void Gives_unit_768_d_cells_on_a_28_grid_at_448()
    {
        var extractor = new DenseFeatureExtractor();
        using var image = TestImages.Disc(200, 180);

        var map = extractor.Extract(image);

        Assert.Equal((768, 28, 28), (map.Channels, map.Height, map.Width));
        Assert.Equal(28, extractor.GridSize);
        Assert.Matches("^resnet18-l3l4-448-mirror-[0-9a-f]{12}$", extractor.Id);
        Assert.Matches("^resnet18-l3l4-448-[0-9a-f]{12}$", new DenseFeatureExtractor(averageMirror: false).Id);
        Assert.All(map.Values, v => Assert.True(float.IsFinite(v)));
        var cell = new float[768];
        for (var i = 0; i < map.Cells; i += 97)
        {
            map.CopyCell(i, cell);
            Assert.Equal(1.0, Math.Sqrt(cell.Sum(v => (double)v * v)), 3);
        }
    }

    [Fact]
    public void Other_input_sizes_give_their_grid_and_the_same_image_the_same_map()
    {
        var small = new DenseFeatureExtractor(inputSize: 224);
        using var image = TestImages.Disc();

        var first = small.Extract(image);
        var second = small.Extract(image);

        Assert.Equal((768, 14, 14), (first.Channels, first.Height, first.Width));
        Assert.Equal(first.Values, second.Values);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseFeatureExtractor(inputSize: 300));
    }

    [Fact]
    public void With_the_mirror_averaged_in_the_map_of_a_mirrored_image_is_the_mirrored_map()
    {
        var extractor = new DenseFeatureExtractor(inputSize: 224);
        using var image = TestImages.Disc(200, 180);
        using var mirrored = Mirror(image);

        var map = extractor.Extract(image);
        var ofMirrored = extractor.Extract(mirrored);

        var worst = 0f;
        for (var c = 0; c < map.Channels; c++)
        {
            for (var y = 0; y < map.Height; y++)
            {
                for (var x = 0; x < map.Width; x++)
                {
                    var expected = map.Values[(c * map.Cells) + (y * map.Width) + (map.Width - 1 - x)];
                    worst = Math.Max(worst, Math.Abs(ofMirrored.Values[(c * map.Cells) + (y * map.Width) + x] - expected));
                }
            }
        }

        Assert.True(worst < 1e-4f, $"the mirrored image's map should be the map mirrored; largest difference {worst}");
        var single = new DenseFeatureExtractor(inputSize: 224, averageMirror: false);
        Assert.NotEqual(single.Extract(image).Values, map.Values);
    }

    private static GrayImage Mirror(GrayImage image)
    {
        var result = new GrayImage(image.Width, image.Height);
        for (var y = 0; y < image.Height; y++)
        {
            image.Pixels.Slice(y * image.Width, image.Width).CopyTo(result.Pixels.Slice(y * image.Width, image.Width));
            result.Pixels.Slice(y * image.Width, image.Width).Reverse();
        }

        return result;
    }

    [Fact]
    public void Cells_on_the_disc_resemble_each_other_more_than_the_background()
    {
        var extractor = new DenseFeatureExtractor();
        using var image = TestImages.Disc(256, 256);
        var map = extractor.Extract(image);
        float[] Cell(int x, int y)
        {
            var v = new float[map.Channels];
            map.CopyCell((y * map.Width) + x, v);
            return v;
        }

        // The disc is centred at (0.45, 0.5) with radius 0.25 of the side: cells 12,14 and 13,13 lie on it.
        var disc = TestImages.Cosine(Cell(12, 14), Cell(13, 13));
        var across = TestImages.Cosine(Cell(12, 14), Cell(25, 3));

        Assert.True(disc > across, $"disc-disc cosine {disc} should exceed disc-background {across}");
    }

    [Fact]
    public void A_missing_model_folder_is_named()
    {
        var folder = Path.Combine(Path.GetTempPath(), "no-such-dnn-models-" + Guid.NewGuid().ToString("N"));

        var e = Assert.Throws<FileNotFoundException>(() => new DenseFeatureExtractor(folder));

        Assert.Contains(folder, e.Message, StringComparison.Ordinal);
    }
}
