using SamMpa.Imaging.Images;
using SamMpa.Imaging.Refinement;
using SamMpa.Tests.Localisation;

namespace SamMpa.Tests.Refinement;

public sealed class GrabCutRefinerTests
{
    /// <summary>A coarse map: the blob's disc, twice as wide and shifted, soft at its edge.</summary>
    private static GrayImage CoarseMap(BlobScenes.Scene scene)
    {
        var size = scene.Image.Width;
        var map = new GrayImage(size, size);
        var radius = scene.Radius * 1.6f;
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                var d = MathF.Sqrt(((x - scene.CentreX - 3) * (x - scene.CentreX - 3)) + ((y - scene.CentreY + 2) * (y - scene.CentreY + 2)));
                map[x, y] = Math.Clamp(1.2f - (d / radius), 0f, 1f);
            }
        }

        return map;
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public void Snaps_a_coarse_map_to_the_blob(int seed)
    {
        using var scene = BlobScenes.Create(new Random(seed), size: 128);
        using var map = CoarseMap(scene);

        using var refined = GrabCutRefiner.Refine(scene.Image, map);

        var before = BlobScenes.Dice(map.Pixels, scene.Mask.Pixels);
        var after = BlobScenes.Dice(refined.Pixels, scene.Mask.Pixels);
        Assert.True(after > 0.9, $"GrabCut Dice {after} (map {before})");
        Assert.True(after > before + 0.1, $"GrabCut Dice {after} should beat the map's {before}");
        Assert.All(refined.Pixels.ToArray(), v => Assert.True(v is 0f or 1f));
    }

    [Fact]
    public void A_map_with_no_target_comes_back_thresholded()
    {
        using var scene = BlobScenes.Create(new Random(4), size: 64);
        using var map = new GrayImage(64, 64);
        map.Pixels.Fill(0.2f);

        using var refined = GrabCutRefiner.Refine(scene.Image, map);

        Assert.All(refined.Pixels.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void Refuses_a_map_of_another_size_and_bad_thresholds()
    {
        using var image = new GrayImage(32, 32);
        using var map = new GrayImage(16, 16);

        var e = Assert.Throws<ArgumentException>(() => GrabCutRefiner.Refine(image, map));
        Assert.Contains("16x16", e.Message, StringComparison.Ordinal);
        using var same = new GrayImage(32, 32);
        Assert.Throws<ArgumentException>(() => GrabCutRefiner.Refine(image, same, new GrabCutOptions { SureForeground = 0.4f }));
    }
}
