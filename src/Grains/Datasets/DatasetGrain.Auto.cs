using Microsoft.Extensions.Logging;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Grains.Images;
using SamMpa.Grains.Workers;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// Stage AUTO in the dataset's job: before the queries of an auto run, the candidates' leave-one-out trial on the
/// supports (<see cref="PipelineTrial"/>) chooses the pipeline; the choice is stored with the run so a restarted job
/// does not try again, and the queries run with it.
/// </summary>
internal sealed partial class DatasetGrain
{
    /// <summary>Chooses the run's pipeline unless it is chosen already; afterwards <c>Run</c> holds the chosen stages.</summary>
    private async Task ChoosePipelineAsync(IReadOnlyList<string> images, SelectionFile selection, string runId, CancellationToken cancellationToken)
    {
        var s = state.State;
        if (!s.Run!.Auto || s.Run.Method.IsBaseline() || s.Pipeline?.RunId == runId)
        {
            return;
        }

        var runAtlases = Math.Max(1, s.Selection?.Atlases ?? 1);
        var canLocalise = s.FeatureExtractor is not null;
        PipelineChoice choice;
        if (s.SupportNames.Count < 2)
        {
            choice = new PipelineChoice
            {
                RunId = runId,
                Chosen = PipelineCandidates.Fallback(runAtlases),
                Candidates = [],
                Note = $"K = {s.SupportNames.Count}: no support can be left out for a trial, so mp runs",
            };
        }
        else
        {
            var candidates = PipelineCandidates.For(s.SupportNames.Count, runAtlases, canLocalise);
            s.Message = $"auto: trying {candidates.Count} pipelines on the {s.SupportNames.Count} supports, each left out in turn";
            var scores = await PipelineTrial.RunAsync(
                candidates,
                s.SupportNames,
                this,
                new TrialCalls((candidate, k, ct) => TrySupportAsync(images, selection, runId, candidate, k, ct), [SiloRoles.Cpu]),
                cancellationToken);
            var chosen = PipelineTrial.Choose(scores);
            string?[] notes = [canLocalise ? null : "the dataset has no dense feature maps, so only the mp pipelines were tried", PipelineTrial.Reason(scores, chosen)];
            choice = new PipelineChoice
            {
                RunId = runId,
                Chosen = chosen.Candidate,
                Candidates = scores,
                Note = notes.Any(n => n is not null) ? string.Join("; ", notes.OfType<string>()) : null,
            };
        }

        cancellationToken.ThrowIfCancellationRequested();
        s.Pipeline = choice;
        s.Message = null;
        s.Run = s.Run with { Register = choice.Chosen.Register, Localise = choice.Chosen.Localise, GraphCut = choice.Chosen.GraphCut };
        await SaveAsync();
        logger.LogInformation(
            "Dataset {Dataset}: auto chose {Pipeline} ({Scores})",
            Id, choice.Chosen.Name, choice.Note ?? string.Join(", ", choice.Candidates.Select(c => $"{c.Candidate.Name} {c.MeanDice:F3}")));
    }

    /// <summary>The atlases of query <paramref name="i"/>: the selection's, cut to the chosen pipeline's count in an auto run.</summary>
    private int[] QueryAtlases(SelectionFile selection, int i)
    {
        var atlases = selection.Atlases[i];
        return state.State.Pipeline is { } choice && choice.RunId == state.State.RunId && choice.Chosen.Register
            ? atlases.Take(Math.Max(1, choice.Chosen.Atlases)).ToArray()
            : atlases;
    }

    /// <summary>Segments support <paramref name="k"/> from the others with <paramref name="candidate"/>, scored against its annotation; writes nothing.</summary>
    private async Task<ImageOutcome> TrySupportAsync(
        IReadOnlyList<string> images, SelectionFile selection, string runId, PipelineCandidate candidate, int k, CancellationToken cancellationToken)
    {
        var s = state.State;
        var image = s.SupportNames[k];
        var others = s.SupportNames.Where((_, j) => j != k).ToArray();
        // Atlases as a query's are chosen: nearest by embedding; a selection made before AUTO existed has no ranking.
        var ranked = selection.LeftOutAtlases is { } leftOut && leftOut.Count == s.SupportNames.Count
            ? leftOut[k].Select(a => images[a]).ToArray()
            : others;
        var atlases = ranked.Take(Math.Max(1, candidate.Atlases)).Select(SupportOf).ToArray();
        var job = new QueryJob
        {
            Dataset = Id,
            Image = image,
            ImageBlob = ImageBlob(image),
            TruthBlob = DatasetBlobLayout.Annotation(Id, image),
            Supports = atlases,
            WorkingSize = s.WorkingSize,
            Register = candidate.Register,
            Localise = candidate.Localise ? new LocalisationJob { FeatureExtractor = s.FeatureExtractor!, Supports = others.Select(SupportOf).ToArray(), RunId = runId } : null,
            GraphCut = candidate.GraphCut,
            Trial = true,
        };
        var budget = CallBudget(candidate.Register ? atlases.Length : 1);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(budget);
        try
        {
            var result = await GrainFactory.GetGrain<IRegistrationWorker>(0).SegmentQueryAsync(job, deadline.Token);
            return result.Outcome;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the {candidate.Name} trial on support {image} did not finish within its deadline of {budget.TotalMinutes:F0} min");
        }
    }

    private SupportRef SupportOf(string image) => new(image, ImageBlob(image), DatasetBlobLayout.Annotation(Id, image));
}
