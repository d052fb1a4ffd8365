using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class LocalisationUncertaintyTests
{
    private static GrayImage Blob(float inside, float outside, int blobs = 1)
    {
        var map = new GrayImage(32, 32);
        map.Pixels.Fill(outside);
        for (var b = 0; b < blobs; b++)
        {
            for (var y = 4; y < 10; y++)
            {
                for (var x = 4 + (b * 10); x < 10 + (b * 10); x++)
                {
                    map[x, y] = inside;
                }
            }
        }

        return map;
    }

    [Fact]
    public void A_confident_single_blob_is_more_certain_than_a_faint_or_scattered_one()
    {
        using var confident = Blob(0.98f, 0.02f);
        using var faint = Blob(0.55f, 0.4f);
        using var scattered = Blob(0.9f, 0.05f, blobs: 3);

        Assert.True(LocalisationUncertainty.Peak(confident.Pixels) < LocalisationUncertainty.Peak(faint.Pixels));
        Assert.True(LocalisationUncertainty.Contrast(confident) < LocalisationUncertainty.Contrast(faint));
        Assert.True(LocalisationUncertainty.Fragmentation(confident) < LocalisationUncertainty.Fragmentation(scattered));
        Assert.Equal(0, LocalisationUncertainty.Fragmentation(confident), 6);
        Assert.Equal(2.0 / 3, LocalisationUncertainty.Fragmentation(scattered), 3);
    }

    [Fact]
    public void An_empty_map_is_as_uncertain_as_can_be()
    {
        using var empty = Blob(0.1f, 0.1f);

        Assert.Equal(1, LocalisationUncertainty.Contrast(empty));
        Assert.Equal(1, LocalisationUncertainty.Fragmentation(empty));
        Assert.Equal(0.9, LocalisationUncertainty.Peak(empty.Pixels), 5);
    }

    [Fact]
    public void Disagreement_is_one_minus_dice()
    {
        float[] a = [1, 1, 0, 0];
        float[] b = [1, 0, 1, 0];

        Assert.Equal(0, LocalisationUncertainty.Disagreement(a, a));
        Assert.Equal(0.5, LocalisationUncertainty.Disagreement(a, b), 6);
        Assert.Equal(1, LocalisationUncertainty.Disagreement(a, [0, 0, 1, 1]));
        Assert.Equal(0, LocalisationUncertainty.Disagreement([0, 0], [0, 0]));
        Assert.Throws<ArgumentException>(() => LocalisationUncertainty.Disagreement(a, [1f]));
    }

    [Fact]
    public void A_localised_query_is_the_mean_of_its_contrast_and_its_two_models_disagreement()
    {
        using var probability = Blob(0.98f, 0.02f);
        float[] regression = [1, 1, 0, 0];
        float[] prototype = [1, 0, 0, 0];
        var map = new ProbabilityMap(2, 2, [1, 0.5f, 0, 0], regression, prototype);

        var expected = (LocalisationUncertainty.Contrast(probability) + LocalisationUncertainty.Disagreement(regression, prototype)) / 2;
        Assert.Equal(expected, LocalisationUncertainty.OfLocalisation(map, probability), 9);
        Assert.InRange(LocalisationUncertainty.OfLocalisation(map, probability), 0, 1);
    }
}
