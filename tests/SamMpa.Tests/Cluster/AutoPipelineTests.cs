using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using Xunit.Abstractions;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// Stage AUTO (issue 12 item 4) on a gpu silo and a cpu silo: the leave-one-out trial on K = 3 phantom supports scores
/// every candidate, the queries run with the choice, the trial leaves no blob behind, and the same supports give the same
/// choice and masks twice.
/// </summary>
public sealed class AutoPipelineTests(PipelineClusterFixture fixture, ITestOutputHelper output) : IClassFixture<PipelineClusterFixture>
{
    private const int Shots = 3;
    private static readonly RunSettings Auto = new() { Auto = true };

    [Fact]
    public async Task An_auto_run_scores_every_candidate_and_its_queries_follow_the_choice_without_trial_blobs_deterministically()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        await UploadAsync(fixture.Blobs, dataset, phantoms);
        var events = await SubscribeAsync(fixture.Client, dataset);
        var supports = (await PrepareAsync(fixture.Client, fixture.Blobs, dataset, Shots)).Supports;

        var status = await RunAgainAsync(dataset, events);

        Assert.True(status.Phase == DatasetPhase.Completed && status.Failed == 0, $"expected a clean run, got {status.Phase} with {status.Failed} failures: {string.Join("; ", status.Failures.Select(f => f.Reason))}");
        var report = await ReportAsync(dataset);
        var auto = report.Auto;
        Assert.NotNull(auto);
        output.WriteLine(SamMpa.Client.Evaluation.AutoLine.Format(auto));
        var candidates = PipelineCandidates.For(Shots, runAtlases: 1, canLocalise: true);
        Assert.Equal(candidates.Select(c => c.Name), auto.Candidates.Select(c => c.Pipeline));
        Assert.All(auto.Candidates, c => Assert.True(c.Failed == 0 && c.LeaveOneOutDice is > 0 and <= 1, $"{c.Pipeline}: Dice {c.LeaveOneOutDice}, {c.Failed} failed ({c.FirstFailure})"));
        Assert.All(auto.Candidates, c => Assert.Equal(Shots, c.SupportDice?.Count ?? 0));
        var rule = PipelineTrial.Choose(auto.Candidates
            .Select(c => new CandidateScore(candidates.Single(d => d.Name == c.Pipeline), c.LeaveOneOutDice, c.Failed, c.FirstFailure, c.SupportDice))
            .ToArray());
        Assert.Equal(rule.Candidate.Name, auto.Chosen);

        var chosen = candidates.Single(c => c.Name == auto.Chosen);
        Assert.True(
            report.Register == chosen.Register && report.Localise == chosen.Localise && report.GraphCut == chosen.GraphCut,
            $"expected the report's stages to be {chosen.Name}, got mp {report.Register}, loc {report.Localise}, rf {report.GraphCut}");
        Assert.Equal(ImageCount - Shots, report.Outcomes.Count);
        Assert.All(report.Outcomes, o =>
        {
            Assert.Null(o.Error);
            Assert.Equal(chosen.Register, o.RegistrationSeconds > 0);
            Assert.Equal(chosen.Register ? 1 : Shots, o.Supports.Count);
        });

        // The trial segmented the supports: none of their masks, soft masks or failure texts may be among the dataset's.
        var written = await WrittenAsync(dataset);
        var queries = report.Outcomes.Select(o => DatasetBlobLayout.MaskName(o.Image)).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(queries, written.Coarse);
        Assert.Equal(queries, written.Final);
        Assert.DoesNotContain(written.Other, name => supports.Any(s => name.Contains(Path.GetFileNameWithoutExtension(s), StringComparison.Ordinal)));

        var masks = await MasksAsync(dataset);
        await RunAgainAsync(dataset, events);
        var again = await ReportAsync(dataset);
        Assert.Equal(auto.Chosen, again.Auto!.Chosen);
        // Record equality compares the per-support lists by reference: compare what they hold.
        Assert.Equal(auto.Candidates.Select(Flat), again.Auto.Candidates.Select(Flat));
        var masksAgain = await MasksAsync(dataset);
        Assert.Equal(masks.Keys.Order(), masksAgain.Keys.Order());
        Assert.All(masks, m => Assert.True(m.Value.SequenceEqual(masksAgain[m.Key]), $"expected {m.Key} to be the same mask in both runs"));
    }

    private static string Flat(DatasetReport.AutoCandidate c) =>
        FormattableString.Invariant($"{c.Pipeline} {c.LeaveOneOutDice:R} {c.Failed} {c.FirstFailure} [{string.Join(' ', c.SupportDice ?? [])}]");

    /// <summary>A run, waited for by its own completion event (the log may hold an earlier run's).</summary>
    private async Task<DatasetStatus> RunAgainAsync(string dataset, EventLog events)
    {
        var completed = events.Items.OfType<Grains.Events.DatasetCompleted>().Count();
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.RunAsync(Auto);
        await events.CompletedAtLeastAsync(completed + 1).WaitAsync(Patience);
        return await grain.GetStatusAsync();
    }

    private async Task<DatasetReport.Report> ReportAsync(string dataset) =>
        DatasetReport.Deserialize(await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default) ?? []);

    /// <summary>The coarse and final masks' names, and every blob under runs/ (the workers' own writes) and failures/.</summary>
    private async Task<(string[] Coarse, string[] Final, List<string> Other)> WrittenAsync(string dataset)
    {
        var prefix = DatasetBlobLayout.Prefix(dataset);
        var coarse = (await ListAsync(fixture.Blobs, prefix + "coarse/")).Select(n => Path.GetFileName(n)).Order(StringComparer.Ordinal).ToArray();
        var final = (await ListAsync(fixture.Blobs, prefix + "masks/")).Select(n => Path.GetFileName(n)).Order(StringComparer.Ordinal).ToArray();
        var other = (await ListAsync(fixture.Blobs, DatasetBlobLayout.RunsPrefix(dataset))).Concat(await ListAsync(fixture.Blobs, prefix + "failures/")).ToList();
        return (coarse, final, other);
    }

    private async Task<Dictionary<string, byte[]>> MasksAsync(string dataset)
    {
        var masks = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset) + "masks/"))
        {
            masks[name] = (await fixture.Blobs.ReadAsync(name, default))!;
        }

        return masks;
    }
}
