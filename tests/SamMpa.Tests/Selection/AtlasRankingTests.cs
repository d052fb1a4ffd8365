using SamMpa.Imaging.Selection;

namespace SamMpa.Tests.Selection;

public sealed class AtlasRankingTests
{
    // Four supports on the unit circle at 0, 90, 180 and 270 degrees; a query at 30 degrees.
    private static readonly float[][] Embeddings =
    [
        [1, 0], [0, 1], [-1, 0], [0, -1], [0.866f, 0.5f],
    ];

    private static readonly SupportSelection Selection = new([0, 1, 2, 3], [0, 1, 2, 3, 0], 1);

    [Fact]
    public void One_atlas_is_the_querys_own_cluster_support()
    {
        var ranked = AtlasRanking.Rank(Embeddings, Selection, atlases: 1);

        Assert.Equal([0], ranked[4]);
    }

    [Fact]
    public void More_atlases_follow_the_own_support_nearest_first()
    {
        var ranked = AtlasRanking.Rank(Embeddings, Selection, atlases: 3);

        Assert.Equal([0, 1, 3], ranked[4]);
        Assert.Equal([2], ranked[2]);
    }

    [Fact]
    public void Atlases_beyond_k_use_every_support_once()
    {
        var ranked = AtlasRanking.Rank(Embeddings, Selection, atlases: 10);

        Assert.Equal(4, ranked[4].Distinct().Count());
    }

    [Fact]
    public void A_left_out_support_gets_the_other_supports_nearest_first_never_itself()
    {
        var ranked = AtlasRanking.LeaveOneOut(Embeddings, Selection, atlases: 2);

        Assert.Equal(4, ranked.Length);
        Assert.Equal([1, 3], ranked[0]);
        Assert.Equal([0, 2], ranked[1]);
        Assert.All(AtlasRanking.LeaveOneOut(Embeddings, Selection, atlases: 10).Select((r, s) => (r, s)), x =>
        {
            Assert.Equal(3, x.r.Length);
            Assert.DoesNotContain(Selection.Supports[x.s], x.r);
        });
    }

    [Fact]
    public void Zero_atlases_is_a_clear_error()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => AtlasRanking.Rank(Embeddings, Selection, atlases: 0));

        Assert.Contains("--atlases", error.Message, StringComparison.Ordinal);
    }
}
