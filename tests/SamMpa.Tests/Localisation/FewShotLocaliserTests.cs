using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class FewShotLocaliserTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Finds_a_bright_blob_wherever_it_is(int seed)
    {
        var random = new Random(seed);
        var scenes = Enumerable.Range(0, 6).Select(_ => BlobScenes.Create(random)).ToArray();
        try
        {
            var supports = scenes.Take(5).Select(s => new LocalisationSupport(BlobScenes.Features(s.Image, random), s.Image, s.Mask)).ToArray();
            var query = scenes[5];
            var model = FewShotLocaliser.Fit(supports);

            var map = model.Predict(new LocalisationImage(BlobScenes.Features(query.Image, random), query.Image));
            using var probability = map.ToWorking(query.Image.Width, query.Image.Height);

            var boxes = CandidateBoxes.Find(probability);
            Assert.NotEmpty(boxes);
            var best = boxes[0];
            Assert.InRange(query.CentreX, best.X0, best.X1);
            Assert.InRange(query.CentreY, best.Y0, best.Y1);
            Assert.True(BlobScenes.Dice(probability.Pixels, query.Mask.Pixels) > 0.6, "the map should cover the blob");
            Assert.All(map.Combined, p => Assert.InRange(p, 0f, 1f));
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
    public void Same_supports_give_the_same_map()
    {
        var random = new Random(7);
        using var a = BlobScenes.Create(random);
        using var b = BlobScenes.Create(random);
        var supportFeatures = BlobScenes.Features(a.Image, random);
        var queryFeatures = BlobScenes.Features(b.Image, random);
        var query = new LocalisationImage(queryFeatures, b.Image);

        var first = FewShotLocaliser.Fit([new LocalisationSupport(supportFeatures, a.Image, a.Mask)]).Predict(query);
        var second = FewShotLocaliser.Fit([new LocalisationSupport(supportFeatures, a.Image, a.Mask)]).Predict(query);

        Assert.Equal(first.Combined, second.Combined);
        Assert.Equal(first.Regression, second.Regression);
        Assert.Equal(first.Prototype, second.Prototype);
    }

    [Fact]
    public void Refuses_empty_masks_and_mismatched_maps_naming_the_support()
    {
        var random = new Random(3);
        using var a = BlobScenes.Create(random);
        using var b = BlobScenes.Create(random);
        a.Mask.Pixels.Clear();
        var empty = Assert.Throws<ArgumentException>(() => FewShotLocaliser.Fit([new LocalisationSupport(BlobScenes.Features(a.Image, random), a.Image, a.Mask)]));
        Assert.Contains("empty", empty.Message, StringComparison.Ordinal);

        var mismatched = Assert.Throws<ArgumentException>(() => FewShotLocaliser.Fit(
        [
            new LocalisationSupport(BlobScenes.Features(b.Image, random), b.Image, b.Mask),
            new LocalisationSupport(BlobScenes.Features(b.Image, random, grid: 8), b.Image, b.Mask),
        ]));
        Assert.Contains("Support 1", mismatched.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => FewShotLocaliser.Fit([]));
    }
}
