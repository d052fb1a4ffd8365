using SamMpa.Imaging.Selection;

namespace SamMpa.Tests.Selection;

public sealed class StratifiedSelectorTests
{
    [Fact]
    public void Supports_are_spread_over_the_strata_in_proportion_to_their_sizes()
    {
        var (embeddings, strata) = Sites(("a", 60), ("b", 30), ("c", 10));

        var result = StratifiedSelector.Select(embeddings, strata, 10);

        Assert.Equal([("a", 60, 6), ("b", 30, 3), ("c", 10, 1)], result.Allocation.Select(a => (a.Stratum, a.Images, a.Supports)));
        Assert.Equal(6, result.Selection.Supports.Count(s => strata[s] == "a"));
        Assert.Equal(3, result.Selection.Supports.Count(s => strata[s] == "b"));
        Assert.Equal(1, result.Selection.Supports.Count(s => strata[s] == "c"));
        Assert.Null(result.Note);
    }

    [Fact]
    public void The_seats_left_after_the_whole_quotas_go_to_the_largest_remainders()
    {
        // Quotas 2.0, 1.2, 0.8: the last seat goes to the 0.8.
        var (embeddings, strata) = Sites(("a", 50), ("b", 30), ("c", 20));

        var result = StratifiedSelector.Select(embeddings, strata, 4);

        Assert.Equal([2, 1, 1], result.Allocation.Select(a => a.Supports));
    }

    [Fact]
    public void A_stratum_holding_the_minimum_share_gets_a_support_taken_from_the_stratum_furthest_above_its_quota()
    {
        // Quotas 1.41, 1.41, 0.18: largest remainder gives 2, 1, 0, but c holds 6 % >= 5 %.
        var (embeddings, strata) = Sites(("a", 47), ("b", 47), ("c", 6));

        var result = StratifiedSelector.Select(embeddings, strata, 3);

        Assert.Equal([1, 1, 1], result.Allocation.Select(a => a.Supports));
        Assert.Single(result.Selection.Supports, s => strata[s] == "c");
    }

    [Fact]
    public void A_stratum_below_the_minimum_share_gets_a_support_only_by_its_quota()
    {
        var (embeddings, strata) = Sites(("a", 97), ("b", 3));

        var below = StratifiedSelector.Select(embeddings, strata, 5);
        var lowered = StratifiedSelector.Select(embeddings, strata, 5, minShare: 0.02);

        Assert.Equal([5, 0], below.Allocation.Select(a => a.Supports));
        Assert.Equal([4, 1], lowered.Allocation.Select(a => a.Supports));
    }

    [Fact]
    public void When_more_strata_need_a_support_than_K_the_largest_get_one_and_the_note_names_the_rest()
    {
        var (embeddings, strata) = Sites(("a", 30), ("b", 26), ("c", 24), ("d", 20));

        var result = StratifiedSelector.Select(embeddings, strata, 2);

        Assert.Equal([1, 1, 0, 0], result.Allocation.Select(a => a.Supports));
        Assert.NotNull(result.Note);
        Assert.Contains("K = 2", result.Note, StringComparison.Ordinal);
        Assert.Contains("'c', 'd'", result.Note, StringComparison.Ordinal);
        // c and d have no support of their own: their images go to the nearest support overall.
        Assert.All(Enumerable.Range(0, strata.Length), i => Assert.InRange(result.Selection.Assignment[i], 0, 1));
    }

    [Fact]
    public void Each_sample_is_served_by_a_support_of_its_own_stratum_even_when_another_is_nearer()
    {
        var (embeddings, strata) = Sites(("a", 20), ("b", 20));
        // A sample of site b that looks like site a.
        var lookalike = 25;
        embeddings[lookalike] = embeddings[0].ToArray();

        var result = StratifiedSelector.Select(embeddings, strata, 2);
        var plain = SupportSelector.WithSupports(embeddings, result.Selection.Supports);

        Assert.Equal("a", strata[plain.SupportOf(lookalike)]);
        Assert.Equal("b", strata[result.Selection.SupportOf(lookalike)]);
        for (var i = 0; i < strata.Length; i++)
        {
            Assert.True(strata[result.Selection.SupportOf(i)] == strata[i], $"sample {i} of {strata[i]} is served by support {result.Selection.SupportOf(i)} of {strata[result.Selection.SupportOf(i)]}");
        }
    }

    [Fact]
    public void Samples_of_the_unknown_stratum_go_to_the_nearest_support_overall()
    {
        var (embeddings, strata) = Sites(("a", 30), ("b", 30), ("", 10));

        var result = StratifiedSelector.Select(embeddings, strata, 6);
        var plain = SupportSelector.WithSupports(embeddings, result.Selection.Supports);

        Assert.Equal(("", 10, 1), (result.Allocation[2].Stratum, result.Allocation[2].Images, result.Allocation[2].Supports));
        for (var i = 60; i < 70; i++)
        {
            Assert.Equal(plain.SupportOf(i), result.Selection.SupportOf(i));
        }
    }

    [Fact]
    public void With_every_stratum_unknown_the_selection_is_plain_ES()
    {
        var (embeddings, _) = Sites(("a", 20), ("b", 20));
        var unknown = new string[embeddings.Length];
        Array.Fill(unknown, string.Empty);

        var stratified = StratifiedSelector.Select(embeddings, unknown, 4);
        var plain = SupportSelector.Select(embeddings, 4);

        Assert.Equal(plain.Supports, stratified.Selection.Supports);
        Assert.Equal(plain.Assignment, stratified.Selection.Assignment);
    }

    [Fact]
    public void Stratified_selection_is_deterministic()
    {
        var (embeddings, strata) = Sites(("b", 25), ("a", 25), ("c", 12));

        var first = StratifiedSelector.Select(embeddings, strata, 5);
        var second = StratifiedSelector.Select(embeddings.Select(e => e.ToArray()).ToArray(), strata.ToArray(), 5);

        Assert.Equal(first.Selection.Supports, second.Selection.Supports);
        Assert.Equal(first.Selection.Assignment, second.Selection.Assignment);
        // Equal sizes are ordered by name.
        Assert.Equal(["a", "b", "c"], first.Allocation.Select(a => a.Stratum));
    }

    [Fact]
    public void Extra_atlases_rank_the_own_strata_supports_first()
    {
        var (embeddings, strata) = Sites(("a", 20), ("b", 20));
        var result = StratifiedSelector.Select(embeddings, strata, 4);

        var ranked = AtlasRanking.Rank(embeddings, result.Selection, 2, strata);
        var leftOut = AtlasRanking.LeaveOneOut(embeddings, result.Selection, 1, strata);

        for (var i = 0; i < strata.Length; i++)
        {
            Assert.All(ranked[i], a => Assert.Equal(strata[i], strata[a]));
        }

        Assert.All(result.Selection.Supports.Zip(leftOut), p => Assert.Equal(strata[p.First], strata[p.Second[0]]));
    }

    [Fact]
    public void Given_supports_are_assigned_within_their_strata()
    {
        var (embeddings, strata) = Sites(("a", 20), ("b", 20));
        embeddings[25] = embeddings[0].ToArray();

        var promoted = StratifiedSelector.WithSupports(embeddings, strata, [0, 30]);

        Assert.Equal(30, promoted.SupportOf(25));
        Assert.Equal(0, promoted.SupportOf(5));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(40)]
    public void K_outside_one_to_n_minus_one_is_a_clear_error(int k)
    {
        var (embeddings, strata) = Sites(("a", 20), ("b", 20));

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSelector.Select(embeddings, strata, k));

        Assert.Contains($"K = {k} supports", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stratum_list_of_the_wrong_length_or_a_bad_share_is_a_clear_error()
    {
        var (embeddings, strata) = Sites(("a", 20), ("b", 20));

        var length = Assert.Throws<ArgumentException>(() => StratifiedSelector.Select(embeddings, strata[..39], 3));
        var share = Assert.Throws<ArgumentOutOfRangeException>(() => StratifiedSelector.Select(embeddings, strata, 3, minShare: 1.5));

        Assert.Contains("39 strata given for 40 embeddings", length.Message, StringComparison.Ordinal);
        Assert.Contains("must be 0..1, not 1.5", share.Message, StringComparison.Ordinal);
    }

    /// <summary>Sites in order of the arguments, each a cluster around its own random direction; strata as given.</summary>
    private static (float[][] Embeddings, string[] Strata) Sites(params (string Site, int Count)[] sites)
    {
        var random = new Random(7);
        var embeddings = new List<float[]>();
        var strata = new List<string>();
        foreach (var (site, count) in sites)
        {
            var centre = Enumerable.Range(0, 12).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            for (var i = 0; i < count; i++)
            {
                embeddings.Add(centre.Select(v => v + (float)(0.3 * (random.NextDouble() - 0.5))).ToArray());
                strata.Add(site);
            }
        }

        return (embeddings.ToArray(), strata.ToArray());
    }
}
