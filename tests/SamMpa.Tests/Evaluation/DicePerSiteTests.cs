using SamMpa.Client.Console;
using SamMpa.Client.Evaluation;
using SamMpa.Grains.Datasets;

namespace SamMpa.Tests.Evaluation;

/// <summary>`sammpa eval`'s Dice per site: the run summary's strata and the table printed after the runs.</summary>
public sealed class DicePerSiteTests
{
    [Fact]
    public void The_summary_has_each_sites_queries_failures_and_mean_dice_and_the_table_prints_them()
    {
        QueryResult[] results =
        [
            new("a.png", "s1.png", 0.8, 0.7, double.NaN, double.NaN, 1, null, Stratum: "Site A"),
            new("b.png", "s1.png", 0.6, 0.5, double.NaN, double.NaN, 1, null, Stratum: "Site A"),
            new("c.png", "s2.png", 0.9, 0.8, double.NaN, double.NaN, 1, null, Stratum: "Site B"),
            new("d.png", "s2.png", double.NaN, double.NaN, double.NaN, double.NaN, 1, "register: failed", Stratum: "Site B"),
            new("e.png", "s2.png", 0.5, 0.4, double.NaN, double.NaN, 1, null, Stratum: DatasetReport.UnknownStratum),
        ];

        var run = RunSummaries.From("k2-es-mp", 2, "es,mp", ["s1.png", "s2.png"], results, scoreFinal: false, 1, 5, 1, 5, 1, 1, stratifiedBy: "site");
        var table = new StringWriter();
        ResultTable.Write(table, new EvalReport("img", "masks", 7, "resnet18", 64, 1, 0, [run]), "out");

        Assert.NotNull(run.Strata);
        Assert.Equal(["(unknown)", "Site A", "Site B"], run.Strata.Keys);
        Assert.Equal((2, 0), (run.Strata["Site A"].Queries, run.Strata["Site A"].Failed));
        Assert.Equal(0.7, run.Strata["Site A"].DiceMean, 9);
        Assert.Equal((2, 1, 0.9), (run.Strata["Site B"].Queries, run.Strata["Site B"].Failed, run.Strata["Site B"].DiceMean));
        Assert.Null(run.Strata["Site B"].FinalDiceMean);
        Assert.Contains("k2-es-mp: Dice per site (supports stratified)", table.ToString(), StringComparison.Ordinal);
        var siteA = table.ToString().Split('\n').Single(line => line.StartsWith("Site A", StringComparison.Ordinal));
        Assert.Equal(["Site", "A", "2", "0", "0.7000", "-"], siteA.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Without_strata_the_summary_has_none_and_the_table_no_site_lines()
    {
        QueryResult[] results = [new("a.png", "s1.png", 0.8, 0.7, double.NaN, double.NaN, 1, null)];

        var run = RunSummaries.From("k1-es-mp", 1, "es,mp", ["s1.png"], results, scoreFinal: false, 1, 1, 1, 1, 1, 1);
        var table = new StringWriter();
        ResultTable.Write(table, new EvalReport("img", "masks", 2, "resnet18", 64, 1, 0, [run]), "out");

        Assert.Null(run.Strata);
        Assert.DoesNotContain("Dice per", table.ToString(), StringComparison.Ordinal);
    }
}
