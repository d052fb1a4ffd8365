using SamMpa.Client.Evaluation;
using SamMpa.Grains.Datasets;

namespace SamMpa.Tests.Evaluation;

public sealed class AutoLineTests
{
    [Fact]
    public void The_line_names_the_choice_its_dice_and_every_other_candidate()
    {
        var auto = new DatasetReport.AutoChoice(
            "loc+rf",
            [new("mp", 0.835), new("loc", 0.85), new("loc+rf", 0.8712), new("mp+loc", 0.1, Failed: 2, FirstFailure: "a.png: register: elastix failed")]);

        Assert.Equal(
            "auto: chose loc+rf (leave-one-out Dice 0.871; mp 0.835, loc 0.850, mp+loc 0.100); mp+loc: 2 trial(s) failed, counted 0 (first: a.png: register: elastix failed)",
            AutoLine.Format(auto));
    }

    [Fact]
    public void Without_a_trial_the_line_says_why()
    {
        var auto = new DatasetReport.AutoChoice("mp", [], "K = 1: no support can be left out for a trial, so mp runs");

        Assert.Equal("auto (k1-es-auto): mp (K = 1: no support can be left out for a trial, so mp runs)", AutoLine.Format(auto, "k1-es-auto"));
    }
}
