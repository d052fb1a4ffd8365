using System.Diagnostics;
using SamMpa.Bench.Accuracy;
using SamMpa.Bench.Results;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Localisation;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Sam;
using SamMpa.Imaging.Selection;

namespace SamMpa.Bench.Suites;

/// <summary>
/// Localisation without registration (issue 12): on each shared set and K, the product's supports (SupportSelector on
/// the ResNet18 embeddings), the few-shot pixel model fitted on them, and every query segmented from its probability
/// map (alone, by components, GrabCut, the support's mask moved to the map's box); Dice mean and median, seconds per
/// query, and the Spearman correlation of each uncertainty measure with Dice. With --sam, the default pixel model also
/// runs on the features the product writes with a SAM package (ResNet18's joined by SAM's embedding).
/// </summary>
public sealed class AccuracyBench : IBenchSuite
{
    /// <summary>
    /// The pixel models compared: the default at every K with every variant, the ablations at the largest K only, without
    /// GrabCut; the SAM row only with --sam.
    /// </summary>
    private static readonly (string Name, LocalisationOptions Options, bool EveryK, bool SamFeatures)[] PixelModels =
    [
        ("average (default, L2 0.1)", new LocalisationOptions(), true, false),
        ("average, L2 1e-3", new LocalisationOptions { Lambda = 1e-3f }, false, false),
        ("average, L2 3e-2", new LocalisationOptions { Lambda = 3e-2f }, false, false),
        ("average, balanced classes", new LocalisationOptions { BalanceClasses = true }, false, false),
        ("regression only", new LocalisationOptions { RegressionWeight = 1f }, false, false),
        ("prototype only", new LocalisationOptions { RegressionWeight = 0f }, false, false),
        ("average, no texture", new LocalisationOptions { UseTexture = false }, true, false),
        ("average, prototype intensity share 1", new LocalisationOptions { PrototypeIntensityShare = 1f }, false, false),
        ("average, ResNet18 + SAM features", new LocalisationOptions(), true, true),
    ];

    public string Name => "accuracy";

    public Task<IReadOnlyList<BenchTable>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        using var scratch = new TemporaryFolder("sammpa-bench-accuracy-");
        var inputs = BenchInputs.Find(options, scratch.Path, "accuracy");
        var shots = options.Quick ? options.Shots.Where(k => k < BenchInputs.QuickImages).DefaultIfEmpty(1).ToArray() : options.Shots.ToArray();
        using var encoder = new ResNet18Encoder();
        var extractor = new DenseFeatureSource(new DenseFeatureExtractor());
        using var samPackage = options.SamPackage is null ? null : SamPackage.Load(options.SamPackage, Device.Cpu, m => BenchLog.Line($"{m}"));
        using var samEncoder = samPackage is null ? null : new SamImageEncoder(samPackage, Device.Cpu, m => BenchLog.Line($"{m}"));
        var withSam = samEncoder is null ? null : new DenseFeatureSource(extractor.ResNet, samEncoder.Id);
        var cache = options.Quick ? Path.Combine(scratch.Path, "features") : Path.Combine(Path.GetTempPath(), "sammpa-bench-dense-features");

        var diceRows = new List<IReadOnlyDictionary<string, object?>>();
        var uncertaintyRows = new List<IReadOnlyDictionary<string, object?>>();
        var notes = new List<string>();
        foreach (var (name, images, masks) in inputs)
        {
            BenchLog.Line($"accuracy: loading {name} (working grid {AccuracyDataLoader.WorkingSize}, dense features {extractor.Id})");
            var setCache = Path.Combine(cache, name.Split(' ')[0]);
            var (data, featureSeconds, computed) = AccuracyDataLoader.Load(images, masks, encoder, extractor, null, setCache, cancellationToken);
            notes.Add(FeatureNote(name, data.Length, extractor.Id, featureSeconds, computed));
            AccuracyImage[]? samData = null;
            try
            {
                if (withSam is not null)
                {
                    BenchLog.Line($"accuracy: loading {name} with SAM (dense features {withSam.Id})");
                    (samData, featureSeconds, computed) = AccuracyDataLoader.Load(images, masks, encoder, withSam, samEncoder, setCache, cancellationToken);
                    notes.Add(FeatureNote(name, samData.Length, withSam.Id, featureSeconds, computed) + " (SAM encoder time included)");
                }

                var embeddings = data.Select(d => d.Embedding).ToArray();
                foreach (var k in shots)
                {
                    var selection = SupportSelector.Select(embeddings, k);
                    var queries = Enumerable.Range(0, data.Length).Where(i => !selection.IsSupport(i)).ToArray();
                    foreach (var (modelName, localisation, everyK, samFeatures) in PixelModels)
                    {
                        var modelData = samFeatures ? samData : data;
                        if ((!everyK && k != shots[^1]) || modelData is null)
                        {
                            continue;
                        }

                        cancellationToken.ThrowIfCancellationRequested();
                        var supports = selection.Supports.Select(s => new LocalisationSupport(modelData[s].Features, modelData[s].Working, modelData[s].WorkingMask)).ToArray();
                        var clock = Stopwatch.StartNew();
                        var model = FewShotLocaliser.Fit(supports, localisation);
                        var fitSeconds = clock.Elapsed.TotalSeconds;
                        // Two queries at a time (the machine's two cores); each query's seconds are its own thread's.
                        var outcomes = new QueryOutcome[queries.Length];
                        Parallel.For(0, queries.Length, new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = cancellationToken }, i =>
                            outcomes[i] = QueryEvaluator.Evaluate(model, modelData[queries[i]], modelData[selection.SupportOf(queries[i])], refine: everyK));
                        var variants = QueryEvaluator.Variants.Where(v => outcomes[0].Variants.ContainsKey(v)).ToArray();
                        foreach (var variant in variants)
                        {
                            var dice = Statistics.Of(outcomes.Select(o => o.Variants[variant].Dice));
                            diceRows.Add(Row.Of(
                                ("data", name),
                                ("K", k),
                                ("pixel model", modelName),
                                ("variant", variant),
                                ("queries", outcomes.Length),
                                ("Dice mean", dice.Mean),
                                ("Dice median", dice.Median),
                                ("s per query", outcomes.Average(o => o.Variants[variant].Seconds)),
                                ("fit s", fitSeconds)));
                        }

                        BenchLog.Line($"accuracy: {name} K = {k} {modelName}: fit {fitSeconds:0.00} s ({model.RegressionIterations} L-BFGS iterations); {string.Join("; ", variants.Select(v => $"{v} {outcomes.Average(o => o.Variants[v].Dice):0.000}"))}");
                        foreach (var measure in QueryEvaluator.Measures.Where(m => outcomes[0].Uncertainty.ContainsKey(m)))
                        {
                            var u = outcomes.Select(o => o.Uncertainty[measure]).ToArray();
                            uncertaintyRows.Add(Row.Of(
                                ("data", name),
                                ("K", k),
                                ("pixel model", modelName),
                                ("measure", measure),
                                ("rho vs map Dice", Spearman.Rho(u, outcomes.Select(o => o.Variants[QueryEvaluator.Map].Dice).ToArray())),
                                ("rho vs largest-component Dice", Spearman.Rho(u, outcomes.Select(o => o.Variants[QueryEvaluator.MapLargest].Dice).ToArray())),
                                ("rho vs GrabCut Dice", everyK ? Spearman.Rho(u, outcomes.Select(o => o.Variants[QueryEvaluator.GrabCut].Dice).ToArray()) : null)));
                        }
                    }
                }
            }
            finally
            {
                foreach (var image in data.Concat(samData ?? []))
                {
                    image.Working.Dispose();
                    image.WorkingMask.Dispose();
                }
            }
        }

        notes.Add(samEncoder is null
            ? "No SAM package given (--sam): no row with SAM's features."
            : $"'average, ResNet18 + SAM features': the default pixel model on the maps a gpu silo writes with SAM package {options.SamPackage} (ResNet18's layer3 and layer4 and SAM's 64x64 embedding on the same grid, each a third of every cell's unit vector).");
        notes.Add("No registration and no SAM decoding: the supports are the product's (SupportSelector on the ResNet18 pooled embeddings of the 256x256 working images); one pixel model per K fitted on all K supports; Dice at each image's original size, as `sammpa eval` scores.");
        notes.Add("Pixel models: logistic regression (L2 0.1 on standardised columns, L-BFGS) on the 768-d layer3+layer4 features + x, y, intensity + 25 texture responses (TextureFeatures), and the masked-prototype cosine map on features and texture (weight 0.02, temperature 20), averaged; ablations at the largest K.");
        notes.Add("s per query: one thread, from the query's stored features to its mask on the working grid (map: predict + upsample; GrabCut adds OpenCV's GrabCut, 5 iterations, on 256x256); features are computed once per image at embedding time and are not included (see the per-set notes).");
        notes.Add("Support mask to map box: the query's own support (its cluster's centre) has its mask's bounding-box content scaled into the map's strongest component's box.");
        if (options.Quick)
        {
            notes.Add($"Quick run: {BenchInputs.QuickImages} phantom images, not the data sets of the issue.");
        }

        IReadOnlyList<BenchTable> tables =
        [
            new BenchTable(
                "Localisation: Dice per variant",
                "segmentation from the few-shot probability map alone, by components, with GrabCut, and by the support's mask moved to the map's box, per data set and K (no registration, no SAM decoding).",
                ["data", "K", "pixel model", "variant", "queries", "Dice mean", "Dice median", "s per query", "fit s"],
                diceRows,
                notes),
            new BenchTable(
                "Localisation: uncertainty vs Dice",
                "Spearman rho between each per-query uncertainty measure (higher = less trustworthy) and the query's Dice: strongly negative is useful.",
                ["data", "K", "pixel model", "measure", "rho vs map Dice", "rho vs largest-component Dice", "rho vs GrabCut Dice"],
                uncertaintyRows,
                ["1 - peak: 1 - the map's highest probability; 1 - contrast: 1 - (mean p in the strongest component - mean p outside all components); regression vs prototype: 1 - Dice of the two models' maps; map vs GrabCut: 1 - Dice of the map and its GrabCut mask; fragmentation: the share of the above-0.5 mass outside the strongest component."]),
        ];
        return Task.FromResult(tables);
    }

    private static string FeatureNote(string set, int images, string features, double secondsPerImage, int computed) =>
        double.IsNaN(secondsPerImage)
            ? $"{set}: {images} images; dense features {features} from the cache."
            : $"{set}: {images} images; dense features {features} {secondsPerImage:0.000} s per image ({computed} computed, ONNX Runtime's default threads).";
}
