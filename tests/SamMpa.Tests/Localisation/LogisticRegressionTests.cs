using SamMpa.Imaging.Localisation;

namespace SamMpa.Tests.Localisation;

public sealed class LogisticRegressionTests
{
    private static (float[] Samples, float[] Targets) TwoClouds(int perClass, int seed)
    {
        var random = new Random(seed);
        var samples = new float[4 * perClass];
        var targets = new float[2 * perClass];
        for (var i = 0; i < 2 * perClass; i++)
        {
            var positive = i % 2 == 0;
            samples[2 * i] = (positive ? 1.5f : -1.5f) + (float)(random.NextDouble() - 0.5);
            samples[(2 * i) + 1] = (float)(random.NextDouble() - 0.5) * 4;
            targets[i] = positive ? 1 : 0;
        }

        return (samples, targets);
    }

    [Fact]
    public void Separates_two_clouds_along_the_informative_axis()
    {
        var (samples, targets) = TwoClouds(100, 1);

        var model = LogisticRegression.Fit(samples, 2, targets, null, lambda: 1e-3f);

        Assert.True(model.Predict([2f, 0f]) > 0.95f);
        Assert.True(model.Predict([-2f, 0f]) < 0.05f);
        Assert.True(Math.Abs(model.Weights[0]) > 5 * Math.Abs(model.Weights[1]), "the noise axis should get little weight");
    }

    [Fact]
    public void Is_deterministic_and_shrinks_with_the_penalty()
    {
        var (samples, targets) = TwoClouds(50, 2);

        var a = LogisticRegression.Fit(samples, 2, targets, null, lambda: 1e-2f);
        var b = LogisticRegression.Fit(samples, 2, targets, null, lambda: 1e-2f);
        var strong = LogisticRegression.Fit(samples, 2, targets, null, lambda: 1f);

        Assert.Equal(a.Weights, b.Weights);
        Assert.Equal(a.Bias, b.Bias);
        Assert.True(Math.Abs(strong.Weights[0]) < Math.Abs(a.Weights[0]));
    }

    [Fact]
    public void Soft_targets_give_the_target_share()
    {
        // Every sample identical with target 0.3: the best constant prediction is 0.3.
        var samples = new float[20];
        var targets = Enumerable.Repeat(0.3f, 20).ToArray();

        var model = LogisticRegression.Fit(samples, 1, targets, null, lambda: 0);

        Assert.Equal(0.3f, model.Predict([0f]), 3);
    }

    [Fact]
    public void Rejects_mismatched_sizes()
    {
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(new float[5], 2, new float[3], null, 0));
        Assert.Throws<ArgumentException>(() => LogisticRegression.Fit(new float[4], 2, new float[2], new float[3], 0));
    }
}
