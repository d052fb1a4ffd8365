using Microsoft.Extensions.Logging;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Promotion;
using SamMpa.Grains.Images;
using SamMpa.Grains.Security;
using SamMpa.Grains.Workers;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// "Correct and promote": a reviewed query becomes a support with its corrected mask as annotation. The call checks
/// and stores the annotation; the job ranks every query's supports again (phase Selecting, reading every embedding)
/// and writes the re-run plan, so the next run re-segments only the queries whose nearest supports changed.
/// </summary>
internal sealed partial class DatasetGrain
{
    public async Task<DatasetStatus> PromoteAsync(PromoteQuery request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireCreated();
        RequireRole(DatasetRole.Owner, "promote a query of");
        var s = state.State;
        ResourceId.Validate(request.Image, "image");
        if (s.Promoting is { } promoting && (await ImagesAsync())[promoting] == request.Image)
        {
            return Status();
        }

        if (s.Phase is not (DatasetPhase.Completed or DatasetPhase.Cancelled or DatasetPhase.Annotated))
        {
            throw new InvalidOperationException($"Dataset '{Id}' is {s.Phase}: a query is promoted after a run (Completed, Cancelled) or between promotions (Annotated).");
        }

        var images = await ImagesAsync();
        var index = IndexOf(images, request.Image);
        if (s.Supports.Contains(index))
        {
            throw new InvalidOperationException($"Image {request.Image} is a support of dataset '{Id}' already; correct its annotation instead.");
        }

        if (s.EmbeddingFailures.FirstOrDefault(f => f.Index == index) is { } notEmbedded)
        {
            throw new InvalidOperationException($"Image {request.Image} of dataset '{Id}' has no embedding ({notEmbedded.Reason}), so it cannot be a support.");
        }

        if (!roles.IsServed(SiloRoles.Cpu))
        {
            throw new InvalidOperationException(MissingRoleMessage(SiloRoles.Cpu, "annotations are checked"));
        }

        // The correction, or the final mask the person accepted as it is, must be a usable annotation of the image.
        var source = request.Corrected ? DatasetBlobLayout.Correction(Id, request.Image) : DatasetBlobLayout.FinalMask(Id, request.Image);
        var problem = await GrainFactory.GetGrain<ISelectionWorker>(0)
            .CheckAnnotationAsync(new AnnotationCheck(request.Image, ImageBlob(request.Image), source));
        if (problem is not null)
        {
            throw new ArgumentException($"Image {request.Image} cannot be promoted: {problem}");
        }

        var content = await blobs.ReadAsync(source, default)
            ?? throw new InvalidOperationException($"Image {request.Image} cannot be promoted: {source} is gone.");
        await blobs.WriteAsync(DatasetBlobLayout.Annotation(Id, request.Image), content, default);

        s.Promoting = index;
        s.PhaseBeforePromotion = s.Phase;
        s.PromotionBaseSaved = false;
        s.Phase = DatasetPhase.Selecting;
        s.Message = $"Promoting {request.Image} to a support: ranking every query's supports again.";
        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: promoting {Image} to a support", Id, request.Image);
        EnsureJob();
        return Status();
    }

    /// <summary>The promotion's job: the selection with the new support, and the re-run plan from the change.</summary>
    private async Task PromoteSupportAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var index = s.Promoting!.Value;
        var images = await ImagesAsync();
        var image = images[index];
        await WaitForRoleAsync(SiloRoles.Cpu, "supports are ranked", cancellationToken);
        if (!s.PromotionBaseSaved)
        {
            var current = await blobs.ReadAsync(DatasetBlobLayout.Selection(Id), cancellationToken)
                ?? throw new InvalidDataException($"{DatasetBlobLayout.Selection(Id)} is missing.");
            await blobs.WriteAsync(DatasetBlobLayout.SelectionBeforePromotion(Id), current, cancellationToken);
            s.PromotionBaseSaved = true;
            await SaveAsync();
        }

        var supports = s.Supports.Append(index).ToArray();
        var outcome = await GrainFactory.GetGrain<ISelectionWorker>(0).SelectAsync(
            new SelectionJob
            {
                Dataset = Id,
                Encoder = s.Encoder!,
                ImageCount = s.ImageCount,
                K = supports.Length,
                Atlases = Math.Min(Math.Max(1, s.Selection?.Atlases ?? 1), supports.Length),
                PooledDimension = s.Selection?.PooledDimension ?? 0,
                FixedSupports = supports,
                // A stratified selection stays stratified: each query keeps to its own stratum's supports.
                StratifyBy = s.Selection?.StratifyBy,
                MinStratumShare = s.Selection?.MinStratumShare ?? 0.05,
            },
            cancellationToken);
        if (outcome.Error is { } error)
        {
            // Nothing was written: the dataset is as before, without the promotion.
            s.Phase = s.PhaseBeforePromotion;
            s.Promoting = null;
            s.PromotionBaseSaved = false;
            s.Message = $"Promoting {image} failed: {error}";
            await SaveAsync();
            return;
        }

        var before = await DatasetFiles.ReadSelectionBeforePromotionAsync(blobs, Id, cancellationToken);
        var after = await DatasetFiles.ReadSelectionAsync(blobs, Id, cancellationToken);
        var plan = await RerunBaseAsync(cancellationToken);
        string message;
        if (plan is null)
        {
            s.RerunPending = false;
            s.RerunQueries = 0;
            await blobs.DeleteAsync(DatasetBlobLayout.Rerun(Id), cancellationToken);
            message = $"{image} is support {supports.Length} now; there is no completed run to keep masks from, so the next run segments every query.";
        }
        else
        {
            var failed = s.EmbeddingFailures.Select(f => f.Index).ToHashSet();
            var queries = Enumerable.Range(0, images.Count).Where(i => !supports.Contains(i) && !failed.Contains(i)).ToArray();
            var changed = RerunPlan.Changed(before.Atlases, after.Atlases, queries, RunAtlases());
            var extended = RerunPlan.Extend(plan, image, images, changed);
            await DatasetFiles.WriteRerunAsync(blobs, Id, extended, cancellationToken);
            s.RerunPending = true;
            s.RerunQueries = extended.Queries.Count;
            message = $"{image} is support {supports.Length} now: the next run with the same settings re-segments the {extended.Queries.Count} of {queries.Length} queries "
                + $"whose nearest supports changed (or that failed) and keeps the masks of the other {extended.Kept.Count} from run {extended.BaseRunId}.";
        }

        _selection = null;
        s.Supports = supports.ToList();
        s.SupportNames = supports.Select(i => images[i]).ToList();
        s.MissingAnnotations = [];
        s.Promoting = null;
        s.PromotionBaseSaved = false;
        s.Phase = DatasetPhase.Annotated;
        s.Message = message;
        s.SupportsSelectedPending = true;
        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: {Message}", Id, message);
    }

    /// <summary>A cancelled promotion: the selection as before it (the worker may have written the new one), its phase again.</summary>
    private async Task AbandonPromotionAsync()
    {
        var s = state.State;
        if (s.PromotionBaseSaved && await blobs.ReadAsync(DatasetBlobLayout.SelectionBeforePromotion(Id), default) is { } before)
        {
            await blobs.WriteAsync(DatasetBlobLayout.Selection(Id), before, default);
        }

        _selection = null;
        s.Phase = s.PhaseBeforePromotion;
        s.Promoting = null;
        s.PromotionBaseSaved = false;
        s.Message = "Promotion cancelled.";
        await SaveAsync();
    }

    /// <summary>
    /// What a re-run keeps: the plan of earlier promotions, or the last completed run's outcomes; null when there is no
    /// completed run whose masks are the dataset's (the promotion then leads to a whole run).
    /// </summary>
    private async Task<RerunFile?> RerunBaseAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        if (s.RerunPending && await blobs.ReadAsync(DatasetBlobLayout.Rerun(Id), cancellationToken) is not null)
        {
            return await DatasetFiles.ReadRerunAsync(blobs, Id, cancellationToken);
        }

        if (s.PhaseBeforePromotion != DatasetPhase.Completed || s.RunId is null
            || await blobs.ReadAsync(DatasetBlobLayout.Report(Id), cancellationToken) is not { } bytes)
        {
            return null;
        }

        var report = DatasetReport.Deserialize(bytes);
        return report.RunId == s.RunId ? new RerunFile(report.RunId, [], [], report.Outcomes) : null;
    }

    /// <summary>How many atlases the last run registered each query to (the nearest supports that decide its mask).</summary>
    private int RunAtlases() =>
        state.State.Pipeline is { Chosen.Register: true } choice && choice.RunId == state.State.RunId
            ? Math.Max(1, choice.Chosen.Atlases)
            : Math.Max(1, state.State.Selection?.Atlases ?? 1);

    /// <summary>The outcomes a partial run keeps, as the job's outcomes (their masks are the dataset's already).</summary>
    private static ImageOutcome KeptOutcome(DatasetReport.Entry entry) => new()
    {
        Image = entry.Image,
        Supports = entry.Supports,
        CoarseMaskBlob = entry.CoarseMask,
        MaskBlob = entry.Mask,
        CoarseDice = entry.CoarseDice,
        CoarseIou = entry.CoarseIou,
        FinalDice = entry.FinalDice,
        FinalIou = entry.FinalIou,
        RegistrationSeconds = entry.RegistrationSeconds,
        SegmentationSeconds = entry.SegmentationSeconds,
        // Failed queries are re-run, never kept; a kept entry with an error would be a stage-less one.
        Error = entry.Error is { } e ? new ImageError(StageNames.Segment, e) : null,
        Uncertainty = entry.Uncertainty,
    };

    private int IndexOf(IReadOnlyList<string> images, string image)
    {
        for (var i = 0; i < images.Count; i++)
        {
            if (images[i] == image)
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"Image {image} is not in dataset '{Id}'.");
    }
}
