namespace SamMpa.Imaging.Metrics;

/// <summary>Overlap of binary masks; a value above the threshold is foreground.</summary>
public static class SegmentationMetrics
{
    /// <summary>Dice and IoU; two empty masks agree perfectly (1, 1).</summary>
    public static Overlap Compare(ReadOnlySpan<float> predicted, ReadOnlySpan<float> truth, float threshold = 0.5f)
    {
        if (predicted.Length != truth.Length)
        {
            throw new ArgumentException($"Masks differ in size: {predicted.Length} predicted pixels, {truth.Length} ground-truth pixels.");
        }

        long both = 0, predictedCount = 0, truthCount = 0;
        for (var i = 0; i < predicted.Length; i++)
        {
            var p = predicted[i] > threshold;
            var t = truth[i] > threshold;
            predictedCount += p ? 1 : 0;
            truthCount += t ? 1 : 0;
            both += p && t ? 1 : 0;
        }

        if (predictedCount + truthCount == 0)
        {
            return new Overlap(1, 1);
        }

        var dice = 2.0 * both / (predictedCount + truthCount);
        var iou = (double)both / (predictedCount + truthCount - both);
        return new Overlap(dice, iou);
    }
}
