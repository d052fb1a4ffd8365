using System.Diagnostics;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Refinement;

namespace SamMpa.Bench.Accuracy;

/// <summary>
/// Segments one query every way the suite compares, from one probability map: the map alone, its strongest
/// component(s), GrabCut seeded by it, and the support's mask moved to the map's strongest box; Dice at the image's
/// original size against its ground truth, as `sammpa eval` scores.
/// </summary>
public static class QueryEvaluator
{
    public const string Map = "map";
    public const string MapLargest = "map, largest component";
    public const string MapStrong = "map, components >= 30% of largest";
    public const string GrabCut = "map + GrabCut";
    public const string GrabCutLargest = "map + GrabCut, largest component";
    public const string StrongestBoxGrabCut = "strongest box + GrabCut";
    public const string MovedSupport = "support mask to map box";
    public static readonly IReadOnlyList<string> Variants = [Map, MapLargest, MapStrong, GrabCut, GrabCutLargest, StrongestBoxGrabCut, MovedSupport];

    public const string PeakUncertainty = "1 - peak";
    public const string ContrastUncertainty = "1 - contrast";
    public const string ModelDisagreement = "regression vs prototype";
    public const string RefinementDisagreement = "map vs GrabCut";
    public const string FragmentationUncertainty = "fragmentation";
    public static readonly IReadOnlyList<string> Measures = [PeakUncertainty, ContrastUncertainty, ModelDisagreement, RefinementDisagreement, FragmentationUncertainty];

    /// <param name="refine">Run the GrabCut variants (the slow part); without, the outcome has no GrabCut entries.</param>
    public static QueryOutcome Evaluate(LocalisationModel model, AccuracyImage query, AccuracyImage support, bool refine = true)
    {
        var clock = Stopwatch.StartNew();
        var map = model.Predict(new LocalisationImage(query.Features, query.Working));
        using var probability = map.ToWorking(query.Working.Width, query.Working.Height);
        var mapSeconds = clock.Elapsed.TotalSeconds;

        using var truth = ImageFile.ReadMask(query.MaskPath);
        var variants = new Dictionary<string, (double Dice, double Seconds)>(StringComparer.Ordinal);
        double Score(GrayImage mask)
        {
            using var original = query.Geometry.ToOriginal(mask);
            return SegmentationMetrics.Compare(original.Pixels, truth.Pixels).Dice;
        }

        variants[Map] = (Score(probability), mapSeconds);

        clock.Restart();
        using var largest = CandidateBoxes.KeepStrongest(probability, 0.5f, maxComponents: 1);
        variants[MapLargest] = (Score(largest), mapSeconds + clock.Elapsed.TotalSeconds);

        clock.Restart();
        using var strong = CandidateBoxes.KeepStrongest(probability, 0.5f, minShareOfLargest: 0.3);
        variants[MapStrong] = (Score(strong), mapSeconds + clock.Elapsed.TotalSeconds);

        GrayImage? refined = null;
        if (refine)
        {
            clock.Restart();
            refined = GrabCutRefiner.Refine(query.Working, probability);
            var grabCutSeconds = mapSeconds + clock.Elapsed.TotalSeconds;
            variants[GrabCut] = (Score(refined), grabCutSeconds);

            clock.Restart();
            using var refinedLargest = CandidateBoxes.KeepStrongest(refined, 0.5f, maxComponents: 1);
            variants[GrabCutLargest] = (Score(refinedLargest), grabCutSeconds + clock.Elapsed.TotalSeconds);

            // One target: GrabCut seeded by the strongest candidate only (the map is cleared outside its box + 15%).
            clock.Restart();
            var candidates = CandidateBoxes.Find(probability);
            if (candidates.Count > 0)
            {
                using var single = CandidateBoxes.RestrictTo(probability, candidates[0]);
                using var refinedSingle = GrabCutRefiner.Refine(query.Working, single);
                variants[StrongestBoxGrabCut] = (Score(refinedSingle), mapSeconds + clock.Elapsed.TotalSeconds);
            }
            else
            {
                variants[StrongestBoxGrabCut] = (0, mapSeconds + clock.Elapsed.TotalSeconds);
            }
        }

        clock.Restart();
        var boxes = CandidateBoxes.Find(probability);
        var supportBox = BoxTransfer.BoundsOf(support.WorkingMask);
        if (boxes.Count > 0 && supportBox is not null)
        {
            using var moved = BoxTransfer.Place(support.WorkingMask, supportBox, boxes[0], query.Working.Width, query.Working.Height);
            variants[MovedSupport] = (Score(moved), mapSeconds + clock.Elapsed.TotalSeconds);
        }
        else
        {
            variants[MovedSupport] = (0, mapSeconds + clock.Elapsed.TotalSeconds);
        }

        var uncertainty = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [PeakUncertainty] = LocalisationUncertainty.Peak(map.Combined),
            [ContrastUncertainty] = LocalisationUncertainty.Contrast(probability),
            [ModelDisagreement] = LocalisationUncertainty.Disagreement(map.Regression, map.Prototype),
            [FragmentationUncertainty] = LocalisationUncertainty.Fragmentation(probability),
        };
        if (refined is not null)
        {
            uncertainty[RefinementDisagreement] = LocalisationUncertainty.Disagreement(probability.Pixels, refined.Pixels);
            refined.Dispose();
        }

        return new QueryOutcome(query.Name, variants, uncertainty);
    }
}
