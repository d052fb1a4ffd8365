using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class TextureFeaturesTests
{
    private const int Size = 128;
    private const int Grid = 16;

    [Fact]
    public void A_flat_image_gives_its_intensity_and_no_structure()
    {
        using var image = new GrayImage(Size, Size);
        image.Pixels.Fill(100f);

        var planes = TextureFeatures.OnGrid(image, Grid, Grid);

        Assert.Equal(TextureFeatures.Count * Grid * Grid, planes.Length);
        for (var s = 0; s < TextureFeatures.Sigmas.Count; s++)
        {
            Assert.All(Plane(planes, s, 0).ToArray(), v => Assert.Equal(100f, v, 0.01f));
            for (var r = 1; r < TextureFeatures.PerScale; r++)
            {
                Assert.All(Plane(planes, s, r).ToArray(), v => Assert.Equal(0f, v, 0.01f));
            }
        }
    }

    [Fact]
    public void A_dark_blob_answers_most_at_its_own_scale_and_at_its_centre()
    {
        // A dark disc of radius 11 px: the scale-normalised Laplacian of Gaussian peaks near sigma = r / sqrt(2) = 8.
        using var image = new GrayImage(Size, Size);
        for (var y = 0; y < Size; y++)
        {
            for (var x = 0; x < Size; x++)
            {
                var inside = ((x - 64) * (x - 64)) + ((y - 64) * (y - 64)) < 11 * 11;
                image[x, y] = inside ? 40f : 160f;
            }
        }

        var planes = TextureFeatures.OnGrid(image, Grid, Grid);
        var centre = ((Grid / 2) * Grid) + (Grid / 2);
        var laplacian = Enumerable.Range(0, TextureFeatures.Sigmas.Count).Select(s => Plane(planes, s, 2)[centre]).ToArray();
        var eight = TextureFeatures.Sigmas.ToList().IndexOf(8);

        Assert.True(laplacian[eight] > 0, $"a dark blob should have a positive Laplacian at its centre, got {laplacian[eight]}");
        Assert.True(laplacian[eight] > laplacian[0] && laplacian[eight] > laplacian[^1],
            $"the Laplacian at the centre should peak at sigma 8 (the blob's scale); by sigma: {string.Join(", ", laplacian)}");
        var corner = Plane(planes, eight, 2)[0];
        Assert.True(laplacian[eight] > 10 * Math.Abs(corner), $"far from the blob the response should be small: centre {laplacian[eight]}, corner {corner}");
    }

    [Fact]
    public void The_pixel_model_works_with_and_without_texture_and_the_same_input_gives_the_same_map()
    {
        var random = new Random(11);
        var scenes = Enumerable.Range(0, 4).Select(_ => BlobScenes.Create(random)).ToArray();
        try
        {
            var supports = scenes.Take(3).Select(s => new LocalisationSupport(BlobScenes.Features(s.Image, random), s.Image, s.Mask)).ToArray();
            var query = new LocalisationImage(BlobScenes.Features(scenes[3].Image, random), scenes[3].Image);
            foreach (var useTexture in new[] { true, false })
            {
                var options = new LocalisationOptions { UseTexture = useTexture };
                var first = FewShotLocaliser.Fit(supports, options).Predict(query);
                var second = FewShotLocaliser.Fit(supports, options).Predict(query);
                Assert.Equal(first.Combined, second.Combined);
                using var probability = first.ToWorking(scenes[3].Image.Width, scenes[3].Image.Height);
                Assert.True(BlobScenes.Dice(probability.Pixels, scenes[3].Mask.Pixels) > 0.6, $"the map should cover the blob (texture {useTexture})");
            }
        }
        finally
        {
            foreach (var scene in scenes)
            {
                scene.Dispose();
            }
        }
    }

    [Fact]
    public void Without_the_intensity_share_the_prototype_map_ignores_how_bright_the_query_is()
    {
        var random = new Random(11);
        var scenes = Enumerable.Range(0, 4).Select(_ => BlobScenes.Create(random)).ToArray();
        using var brighter = new GrayImage(scenes[3].Image.Width, scenes[3].Image.Height);
        try
        {
            var supports = scenes.Take(3).Select(s => new LocalisationSupport(BlobScenes.Features(s.Image, random), s.Image, s.Mask)).ToArray();
            var features = BlobScenes.Features(scenes[3].Image, random);
            for (var i = 0; i < brighter.Length; i++)
            {
                brighter.Pixels[i] = scenes[3].Image.Pixels[i] + 40f;
            }

            // Same dense features, the image 40 grey levels brighter: only the smoothed intensities see the difference.
            float MaxChange(float share)
            {
                var model = FewShotLocaliser.Fit(supports, new LocalisationOptions { PrototypeIntensityShare = share });
                var original = model.Predict(new LocalisationImage(features, scenes[3].Image)).Prototype;
                var shifted = model.Predict(new LocalisationImage(features, brighter)).Prototype;
                return original.Zip(shifted, (a, b) => Math.Abs(a - b)).Max();
            }

            var withoutIntensity = MaxChange(0f);
            var withIntensity = MaxChange(1f);
            Assert.True(withoutIntensity < 1e-4f, $"with share 0 the prototype map should not change with brightness, changed by up to {withoutIntensity}");
            Assert.True(withIntensity > 1e-3f, $"with share 1 the smoothed intensities should reach the prototype map, changed by up to {withIntensity}");
        }
        finally
        {
            foreach (var scene in scenes)
            {
                scene.Dispose();
            }
        }
    }

    [Theory]
    [InlineData("TextureWeight")]
    [InlineData("PrototypeIntensityShare")]
    public void A_negative_texture_weight_is_refused(string name)
    {
        var options = name == "TextureWeight" ? new LocalisationOptions { TextureWeight = -1 } : new LocalisationOptions { PrototypeIntensityShare = -1 };
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains($"{name} -1", error.Message, StringComparison.Ordinal);
    }

    private static ReadOnlySpan<float> Plane(float[] planes, int scale, int response) =>
        planes.AsSpan(((scale * TextureFeatures.PerScale) + response) * Grid * Grid, Grid * Grid);
}
