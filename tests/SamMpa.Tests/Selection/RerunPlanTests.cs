using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Promotion;

namespace SamMpa.Tests.Selection;

public sealed class RerunPlanTests
{
    private static readonly string[] Images = ["a.png", "b.png", "c.png", "d.png", "e.png"];

    [Fact]
    public void Changed_compares_as_many_atlases_as_the_run_used()
    {
        int[][] before = [[0], [0, 4], [0, 4], [4, 0], [4]];
        int[][] after = [[0], [2, 0], [2], [4, 2], [4]];
        Assert.Equal([1], RerunPlan.Changed(before, after, [1, 3], atlases: 1));
        Assert.Equal([1, 3], RerunPlan.Changed(before, after, [1, 3], atlases: 2));
    }

    [Fact]
    public void Extend_adds_the_changed_and_failed_queries_and_keeps_the_others()
    {
        DatasetReport.Entry Entry(string image, string? error = null) => new(image, ["a.png"], null, $"m/{image}", null, null, 0.9, 0.8, 1, 1, error);
        var fromReport = new RerunFile("run-1", [], [], [Entry("b.png"), Entry("c.png"), Entry("d.png", "segment: gave up"), Entry("e.png")]);

        var plan = RerunPlan.Extend(fromReport, "c.png", Images, changed: [1]);

        Assert.Equal(["c.png"], plan.Promoted);
        Assert.Equal([1, 3], plan.Queries);
        Assert.Equal(["e.png"], plan.Kept.Select(e => e.Image));

        var again = RerunPlan.Extend(new RerunFile("run-1", ["c.png"], [3], [Entry("b.png"), Entry("e.png")]), "b.png", Images, changed: [4]);
        Assert.Equal("run-1", again.BaseRunId);
        Assert.Equal(["c.png", "b.png"], again.Promoted);
        Assert.Equal([3, 4], again.Queries);
        Assert.Empty(again.Kept);
    }

    [Fact]
    public void Selections_of_different_datasets_are_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => RerunPlan.Changed([[0]], [[0], [0]], [0], 1));
        Assert.Contains("1 and 2 images", error.Message, StringComparison.Ordinal);
    }
}
