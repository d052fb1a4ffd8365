using SamMpa.Imaging.Metrics;

namespace SamMpa.Tests.Metrics;

public sealed class SegmentationMetricsTests
{
    [Fact]
    public void Dice_and_iou_of_partial_overlap()
    {
        float[] predicted = [1, 1, 1, 0, 0, 0];
        float[] truth = [0, 1, 1, 1, 0, 0];

        var overlap = SegmentationMetrics.Compare(predicted, truth);

        Assert.Equal(2.0 * 2 / 6, overlap.Dice, 12);
        Assert.Equal(2.0 / 4, overlap.IoU, 12);
    }

    [Fact]
    public void Two_empty_masks_count_as_perfect_agreement()
    {
        var overlap = SegmentationMetrics.Compare(new float[9], new float[9]);

        Assert.Equal(new Overlap(1, 1), overlap);
    }

    [Fact]
    public void An_empty_prediction_of_a_present_target_scores_zero()
    {
        Assert.Equal(new Overlap(0, 0), SegmentationMetrics.Compare(new float[4], [0, 1, 1, 0]));
    }

    [Fact]
    public void Soft_masks_are_thresholded_at_one_half()
    {
        var overlap = SegmentationMetrics.Compare([0.51f, 0.49f], [1, 0]);

        Assert.Equal(1, overlap.Dice);
    }

    [Fact]
    public void Statistics_report_mean_population_std_and_median()
    {
        var stats = Statistics.Of([0.2, 0.4, 0.6, 0.8]);

        Assert.Equal(4, stats.Count);
        Assert.Equal(0.5, stats.Mean, 12);
        Assert.Equal(Math.Sqrt(0.05), stats.Std, 12);
        Assert.Equal(0.5, stats.Median, 12);
    }
}
