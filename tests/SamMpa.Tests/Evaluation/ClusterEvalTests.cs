using System.Collections.Concurrent;
using System.Text.Json;
using SamMpa.Client.Cluster;
using SamMpa.Client.Commands;
using SamMpa.Client.Evaluation;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;
using SamMpa.Imaging.Sam;
using SamMpa.Tests.Registration;

namespace SamMpa.Tests.Evaluation;

/// <summary>
/// `sammpa eval` through the product's one pipeline: the folders uploaded to a silo embedded in the test's process,
/// supports selected and annotated from the ground truth, every query segmented by the grains (the paper's baselines
/// too), the outputs written from the run's report.
/// </summary>
public sealed class ClusterEvalTests
{
    [Fact]
    public async Task Eval_writes_coarse_masks_per_image_rows_and_one_summary_entry_per_run()
    {
        using var data = new PhantomDataset(count: 8);

        var report = await Run(data, shots: [1, 3]);

        Assert.Equal(2, report.Runs.Count);
        Assert.Equal([7, 5], report.Runs.Select(r => r.Queries));
        Assert.All(report.Runs, r => Assert.True(r.DiceMean > 0.7, $"run {r.Run}: expected propagated Dice above 0.7, got {r.DiceMean:F3}"));
        Assert.All(report.Runs, r => Assert.Equal(0, r.Failed));
        Assert.All(report.Runs, r => Assert.Null(r.FinalDiceMean));

        var coarse = Directory.GetFiles(Path.Combine(data.OutputDirectory, "k3-es-mp", "coarse"));
        Assert.Equal(5, coarse.Length);
        using (var mask = ImageFile.ReadMask(coarse[0]))
        {
            Assert.Equal((64, 64), (mask.Width, mask.Height));
        }

        var csvRows = File.ReadAllLines(Path.Combine(data.OutputDirectory, "per_image.csv"));
        Assert.Equal(1 + 7 + 5, csvRows.Length);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(data.OutputDirectory, "summary.json")));
        var runs = summary.RootElement.GetProperty("runs");
        Assert.Equal(2, runs.GetArrayLength());
        foreach (var field in new[] { "shots", "stages", "queries", "dice_mean", "dice_std", "dice_median", "wall_seconds" })
        {
            Assert.True(runs[0].TryGetProperty(field, out _), $"summary.json runs[0] should have '{field}'");
        }

        // report.html beside them: both runs, and an overlay for every query (7 and 5, under the dozen each run shows).
        var html = File.ReadAllText(Path.Combine(data.OutputDirectory, "report.html"));
        Assert.Contains("k1-es-mp", html, StringComparison.Ordinal);
        Assert.Contains("k3-es-mp", html, StringComparison.Ordinal);
        Assert.Equal(7 + 5, html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("(no overlay)", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Eval_with_auto_carries_the_choice_and_the_candidates_dice_into_summary_json()
    {
        using var data = new PhantomDataset(count: 6);

        var report = await Run(data, shots: [1, 3], stages: Stage.Es | Stage.Auto);

        Assert.Equal(["k1-es-auto", "k3-es-auto"], report.Runs.Select(r => r.Run));
        Assert.All(report.Runs, r => Assert.Equal(0, r.Failed));
        var single = report.Runs[0].Auto!;
        Assert.Equal("mp", single.Chosen);
        Assert.Empty(single.Candidates);
        Assert.Contains("K = 1", single.Note, StringComparison.Ordinal);
        var trial = report.Runs[1].Auto!;
        // The candidates come in the prior's order, the first being the bench's best on both shared sets.
        Assert.Equal("loc+rf", trial.Candidates[0].Pipeline);
        Assert.Contains(trial.Chosen, trial.Candidates.Select(c => c.Pipeline));
        Assert.StartsWith($"auto: chose {trial.Chosen} (leave-one-out Dice ", AutoLine.Format(trial), StringComparison.Ordinal);

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(data.OutputDirectory, "summary.json")));
        var auto = summary.RootElement.GetProperty("runs")[1].GetProperty("auto");
        Assert.Equal(trial.Chosen, auto.GetProperty("chosen").GetString());
        Assert.Equal(trial.Candidates.Count, auto.GetProperty("candidates").GetArrayLength());
        Assert.True(auto.GetProperty("candidates")[0].TryGetProperty("leave_one_out_dice", out _), "summary.json names each candidate's leave-one-out Dice");
        Assert.True(
            auto.GetProperty("candidates")[0].TryGetProperty("support_dice", out var perSupport) && perSupport.GetArrayLength() == 3,
            "summary.json gives each candidate's Dice on each of the 3 supports");
    }

    [Fact]
    public async Task With_a_sam_package_the_final_masks_are_scored_and_written()
    {
        using var data = new PhantomDataset(count: 5);
        var package = Path.Combine(data.Root, "sam");
        SamFixtureBuilder.WritePackage(package);

        var report = await Run(data, shots: [1], stages: Stage.Es | Stage.Mp | Stage.Pa | Stage.Pr, samPackage: package);

        var run = Assert.Single(report.Runs);
        Assert.Equal("k1-es-mp-pa-pr", run.Run);
        Assert.StartsWith("sam-", report.Encoder, StringComparison.Ordinal);
        Assert.NotNull(run.FinalDiceMean);
        Assert.True(run.FinalDiceMean > 0.5, $"expected the fixture SAM to keep most of the coarse mask, got final Dice {run.FinalDiceMean:F3}");
        Assert.Equal(4, Directory.GetFiles(Path.Combine(data.OutputDirectory, run.Run, "final")).Length);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(data.OutputDirectory, "summary.json")));
        Assert.True(summary.RootElement.GetProperty("runs")[0].TryGetProperty("final_dice_mean", out _), "summary.json should report final_dice_mean");

        // report.html pictures the final masks: coarse and final Dice per stage, an overlay of SAM's mask per query.
        var html = File.ReadAllText(Path.Combine(data.OutputDirectory, "report.html"));
        Assert.Contains("k1-es-mp-pa-pr · final", html, StringComparison.Ordinal);
        Assert.Contains("cyan: final (SAM) mask", html, StringComparison.Ordinal);
        Assert.Equal(4, html.Split("src=\"data:image/png;base64,").Length - 1);
    }

    [Fact]
    public async Task A_manual_baseline_prompts_sam_from_the_ground_truth_without_registering()
    {
        using var data = new PhantomDataset(count: 4);

        var run = await RunSamBaselineAsync(data, SegmentationMethod.ManualPoint, "k1-manual-point");

        Assert.Equal(3, Directory.GetFiles(Path.Combine(data.OutputDirectory, run.Run, "final")).Length);
    }

    [Fact]
    public async Task Persam_prompts_sam_from_the_support_without_registering()
    {
        using var data = new PhantomDataset(count: 4);

        await RunSamBaselineAsync(data, SegmentationMethod.PerSam, "k1-persam");
    }

    [Fact]
    public async Task A_manual_baseline_without_a_package_is_a_clear_error()
    {
        using var data = new PhantomDataset(count: 4);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Run(data, shots: [1], method: SegmentationMethod.ManualBox));

        Assert.Contains("manual-box", error.Message, StringComparison.Ordinal);
        Assert.Contains("--sam", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_whose_encoder_takes_raw_pixels_runs_the_sam_stages()
    {
        using var data = new PhantomDataset(count: 4);
        var package = Path.Combine(data.Root, "sam-hwc");
        SamFixtureBuilder.WriteHwcRawPackage(package);

        var report = await Run(data, shots: [1], stages: Stage.Es | Stage.Mp | Stage.Pa, samPackage: package);

        var run = Assert.Single(report.Runs);
        Assert.NotNull(run.FinalDiceMean);
        Assert.Equal(3, Directory.GetFiles(Path.Combine(data.OutputDirectory, run.Run, "final")).Length);
    }

    [Fact]
    public async Task The_sam_stages_without_a_package_are_a_clear_error()
    {
        using var data = new PhantomDataset(count: 4);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Run(data, shots: [1], stages: Stage.Mp | Stage.Pa));

        Assert.Contains("--sam", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.OutputDirectory));
    }

    [Theory]
    [InlineData("hospital", Stage.Es | Stage.Mp, "--stratify-by hospital: not a field to stratify by; use none, site, institution")]
    [InlineData("site", Stage.Mp, "add es to --stages")]
    public void A_bad_stratify_by_is_a_clear_error_before_anything_runs(string field, Stage stages, string expected)
    {
        using var data = new PhantomDataset(count: 4);
        var options = new EvalOptions
        {
            ImagesDirectory = data.ImagesDirectory,
            MasksDirectory = data.MasksDirectory,
            OutputDirectory = data.OutputDirectory,
            Stages = stages,
            StratifyBy = field,
        };

        var error = Assert.Throws<ArgumentException>(() => ClusterEval.Validate(options));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.OutputDirectory));
    }

    [Fact]
    public async Task A_k_given_twice_is_one_run()
    {
        using var data = new PhantomDataset(count: 4);

        var report = await Run(data, shots: [1, 1]);

        Assert.Single(report.Runs);
    }

    [Fact]
    public async Task A_second_eval_of_the_same_folders_embeds_nothing_again()
    {
        using var data = new PhantomDataset(count: 5);

        var first = await Run(data, shots: [1]);
        var second = await Run(data, shots: [2]);

        Assert.Equal(5, first.EmbeddingsComputed);
        Assert.Equal(0, second.EmbeddingsComputed);
    }

    [Fact]
    public async Task Without_es_the_random_supports_are_the_same_for_the_same_seed()
    {
        using var data = new PhantomDataset(count: 6);

        var first = await Run(data, shots: [2], stages: Stage.Mp);
        var second = await Run(data, shots: [2], stages: Stage.Mp);

        Assert.Equal("mp", first.Runs[0].Stages);
        Assert.Equal(first.Runs[0].Supports, second.Runs[0].Supports);
    }

    [Fact]
    public async Task Several_atlases_are_fused_and_named_per_query()
    {
        using var data = new PhantomDataset(count: 6);

        var report = await Run(data, shots: [2], atlases: 2);

        var run = Assert.Single(report.Runs);
        Assert.Equal("k2-es-mp-a2", run.Run);
        Assert.Equal(2, run.Atlases);
        Assert.Equal(8, run.Registrations);
        Assert.True(run.DiceMean > 0.7, $"expected fused Dice above 0.7, got {run.DiceMean:F3}");
        var rows = File.ReadAllLines(Path.Combine(data.OutputDirectory, "per_image.csv")).Skip(1).ToArray();
        Assert.All(rows, row => Assert.Contains(";", row, StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_image_without_a_mask_is_named_and_nothing_is_written()
    {
        using var data = new PhantomDataset(count: 4);
        File.Delete(Path.Combine(data.MasksDirectory, PhantomDataset.Name(2)));

        var error = await Assert.ThrowsAsync<DatasetException>(() => Run(data, shots: [1]));

        Assert.Contains(PhantomDataset.Name(2), error.Message, StringComparison.Ordinal);
        Assert.Contains("no mask", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.OutputDirectory), "no output folder should be created for bad input");
    }

    [Fact]
    public async Task A_mask_of_another_size_is_named_with_both_sizes()
    {
        using var data = new PhantomDataset(count: 4);
        using (var small = new GrayImage(32, 40))
        {
            MaskFile.WritePng(small, Path.Combine(data.MasksDirectory, PhantomDataset.Name(1)));
        }

        var error = await Assert.ThrowsAsync<DatasetException>(() => Run(data, shots: [1]));

        Assert.Contains(PhantomDataset.Name(1), error.Message, StringComparison.Ordinal);
        Assert.Contains("32x40", error.Message, StringComparison.Ordinal);
        Assert.Contains("64x64", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.OutputDirectory));
    }

    [Fact]
    public async Task A_corrupt_png_fails_alone_naming_itself_and_the_rest_is_segmented()
    {
        using var data = new PhantomDataset(count: 5);
        var corrupt = Path.Combine(data.ImagesDirectory, PhantomDataset.Name(3));
        var bytes = File.ReadAllBytes(corrupt);
        File.WriteAllBytes(corrupt, bytes.AsSpan(0, bytes.Length / 3).ToArray());
        var progress = new RecordingProgress();

        var report = await Run(data, shots: [1], progress: progress);

        var run = Assert.Single(report.Runs);
        Assert.Equal(3, run.Queries);
        Assert.Equal(0, run.Failed);
        Assert.Contains(progress.Warnings, w => w.Contains(PhantomDataset.Name(3), StringComparison.Ordinal));
        var rows = File.ReadAllLines(Path.Combine(data.OutputDirectory, "per_image.csv"));
        Assert.DoesNotContain(rows, row => row.StartsWith(PhantomDataset.Name(3), StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_empty_folder_is_a_clear_error()
    {
        using var data = new PhantomDataset(count: 0);

        var error = await Assert.ThrowsAsync<DatasetException>(() => Run(data, shots: [1]));

        Assert.Contains("no images", error.Message, StringComparison.Ordinal);
        Assert.Contains(data.ImagesDirectory, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(9)]
    public async Task K_at_least_the_number_of_images_is_a_clear_error(int k)
    {
        using var data = new PhantomDataset(count: 4);

        var error = await Assert.ThrowsAsync<DatasetException>(() => Run(data, shots: [1, k]));

        Assert.Contains($"K = {k}", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 images", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.OutputDirectory));
    }

    [Fact]
    public async Task A_missing_elastix_is_named_before_anything_is_written()
    {
        using var data = new PhantomDataset(count: 4);
        var registration = new RegistrationOptions { ElastixPath = "/nonexistent/elastix", TransformixPath = "/nonexistent/transformix" };

        var error = await Assert.ThrowsAnyAsync<Exception>(() => Run(data, shots: [1], registration: registration));

        Assert.True(
            error is RegistrationToolMissingException || error.InnerException is RegistrationToolMissingException,
            $"expected the embedded silo to refuse to start for want of elastix, got {error.GetType().Name}: {error.Message}");
        Assert.Contains("elastix", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data.OutputDirectory));
    }

    /// <summary>
    /// Evaluates a baseline that prompts SAM (the fixture package) at K = 1 and asserts what any such run shows: one run
    /// named <paramref name="expectedRun"/>, no registration, a final Dice.
    /// </summary>
    private static async Task<RunSummary> RunSamBaselineAsync(PhantomDataset data, SegmentationMethod method, string expectedRun)
    {
        var package = Path.Combine(data.Root, "sam");
        SamFixtureBuilder.WritePackage(package);

        var report = await Run(data, shots: [1], samPackage: package, method: method);

        var run = Assert.Single(report.Runs);
        Assert.Equal(expectedRun, run.Run);
        Assert.Equal(0, run.Registrations);
        Assert.InRange(run.FinalDiceMean ?? -1, 0.0, 1.0);
        return run;
    }

    private static async Task<EvalReport> Run(
        PhantomDataset data, int[] shots, Stage stages = Stage.Es | Stage.Mp, RegistrationOptions? registration = null, int atlases = 1, string? samPackage = null,
        SegmentationMethod method = SegmentationMethod.SamMpa, IEvalProgress? progress = null)
    {
        progress ??= SilentProgress.Instance;
        var options = new EvalOptions
        {
            ImagesDirectory = data.ImagesDirectory,
            MasksDirectory = data.MasksDirectory,
            OutputDirectory = data.OutputDirectory,
            Shots = shots,
            Stages = stages,
            WorkingSize = 64,
            Atlases = atlases,
            SamPackageDirectory = samPackage,
            Method = method,
            Registration = registration ?? QuickRegistrationMaps.Options,
        };
        ClusterEval.Validate(options);
        await using var connection = await ClusterOptions.ConnectOrEmbedAsync(
            useCluster: false, settingsFile: null, new DirectoryInfo(data.HomeDirectory), EvalCommand.EmbeddedOverrides(options), options.Registration, progress, CancellationToken.None);
        return (await new ClusterEval(connection, options, progress).RunAsync(CancellationToken.None)).Report;
    }

    private sealed class RecordingProgress : IEvalProgress
    {
        public ConcurrentQueue<string> Warnings { get; } = new();

        public void StageStarted(string stage, int total)
        {
        }

        public void ItemCompleted(string stage, string item)
        {
        }

        public void StageCompleted(string stage)
        {
        }

        public void Warning(string message) => Warnings.Enqueue(message);
    }
}
