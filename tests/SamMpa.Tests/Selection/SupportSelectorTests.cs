using SamMpa.Imaging.Selection;

namespace SamMpa.Tests.Selection;

public sealed class SupportSelectorTests
{
    [Theory]
    [InlineData(1, 11)]
    [InlineData(3, 12)]
    [InlineData(10, 13)]
    [InlineData(10, 14)]
    public void Fast_selection_equals_the_brute_force_reference(int k, int seed)
    {
        var embeddings = RandomClusteredVectors(n: 120, dimension: 24, clusters: 6, seed);

        var fast = SupportSelector.Select(embeddings, k);
        var (supports, assignment) = BruteForceSelector.Select(embeddings, k);

        Assert.True(supports.SequenceEqual(fast.Supports),
            $"K={k}: expected supports [{string.Join(", ", supports)}] from the N x N reference, got [{string.Join(", ", fast.Supports)}].");
        Assert.True(assignment.SequenceEqual(fast.Assignment), $"K={k}: the query-to-support assignment differs from the reference.");
    }

    [Fact]
    public void Every_sample_is_assigned_and_supports_lead_their_own_cluster()
    {
        var embeddings = RandomClusteredVectors(n: 50, dimension: 8, clusters: 4, seed: 5);

        var selection = SupportSelector.Select(embeddings, 5);

        Assert.Equal(5, selection.Supports.Distinct().Count());
        Assert.Equal(50, selection.Assignment.Count);
        Assert.All(selection.Supports, s => Assert.True(selection.IsSupport(s), $"support {s} should be assigned to itself"));
        Assert.All(selection.Assignment, a => Assert.InRange(a, 0, 4));
    }

    [Fact]
    public void Given_supports_keep_the_selection_and_only_queries_nearer_the_added_one_move()
    {
        var embeddings = RandomClusteredVectors(n: 60, dimension: 8, clusters: 4, seed: 11);
        var selection = SupportSelector.Select(embeddings, 3);
        var added = Enumerable.Range(0, 60).First(i => !selection.Supports.Contains(i));

        var promoted = SupportSelector.WithSupports(embeddings, [.. selection.Supports, added]);

        Assert.Equal([.. selection.Supports, added], promoted.Supports);
        Assert.True(promoted.IsSupport(added), "expected the added support to lead its own cluster");
        for (var i = 0; i < 60; i++)
        {
            var moved = promoted.SupportOf(i) != selection.SupportOf(i);
            Assert.True(!moved || promoted.SupportOf(i) == added, $"sample {i} moved from support {selection.SupportOf(i)} to {promoted.SupportOf(i)}, not to the added {added}");
        }

        Assert.Throws<ArgumentException>(() => SupportSelector.WithSupports(embeddings, [1, 1]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SupportSelector.WithSupports(embeddings, [1, 60]));
    }

    [Fact]
    public void Selection_is_deterministic()
    {
        var embeddings = RandomClusteredVectors(n: 80, dimension: 16, clusters: 5, seed: 9);

        var first = SupportSelector.Select(embeddings, 7);
        var second = SupportSelector.Select(embeddings.Select(e => e.ToArray()).ToArray(), 7);

        Assert.Equal(first.Supports, second.Supports);
        Assert.Equal(first.Assignment, second.Assignment);
    }

    [Fact]
    public void One_shot_picks_the_sample_closest_on_average_to_all_others()
    {
        // Samples around a mean direction; the one nearest the mean direction is the most representative.
        float[][] embeddings = [[1, 0], [0.9f, 0.1f], [0.8f, 0.6f], [0.2f, 1]];

        var selection = SupportSelector.Select(embeddings, 1);

        Assert.Equal([2], selection.Supports);
    }

    [Fact]
    public void Identical_images_still_give_distinct_supports()
    {
        var embeddings = Enumerable.Range(0, 6).Select(_ => new float[] { 1, 2, 3 }).ToArray();

        var selection = SupportSelector.Select(embeddings, 3);

        Assert.Equal(3, selection.Supports.Distinct().Count());
        Assert.All(selection.Supports, s => Assert.True(selection.IsSupport(s)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(11)]
    public void K_outside_one_to_n_minus_one_is_a_clear_error(int k)
    {
        var embeddings = RandomClusteredVectors(n: 10, dimension: 4, clusters: 2, seed: 1);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SupportSelector.Select(embeddings, k));

        Assert.Contains($"K = {k} supports", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Random_supports_are_reproducible_for_a_seed()
    {
        var embeddings = RandomClusteredVectors(n: 40, dimension: 8, clusters: 3, seed: 2);

        var first = SupportSelector.SelectRandom(embeddings, 5, seed: 42);
        var second = SupportSelector.SelectRandom(embeddings, 5, seed: 42);

        Assert.Equal(first.Supports, second.Supports);
        Assert.All(first.Supports, s => Assert.True(first.IsSupport(s)));
    }

    private static float[][] RandomClusteredVectors(int n, int dimension, int clusters, int seed)
    {
        var random = new Random(seed);
        var centres = Enumerable.Range(0, clusters)
            .Select(_ => Enumerable.Range(0, dimension).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray())
            .ToArray();
        return Enumerable.Range(0, n)
            .Select(i => centres[i % clusters].Select(v => v + (float)(0.4 * (random.NextDouble() - 0.5))).ToArray())
            .ToArray();
    }
}
