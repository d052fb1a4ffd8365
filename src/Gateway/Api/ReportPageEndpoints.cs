using System.Globalization;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Images;
using SamMpa.Reports;
using SamMpa.Storage;

namespace SamMpa.Gateway.Api;

/// <summary>
/// The last completed run as the same self-contained report.html `sammpa eval` writes (inline SVG charts: the Dice
/// distribution, Dice per stage, seconds per stage; the worst dozen queries pictured), from the dataset's report.json.
/// </summary>
internal static class ReportPageEndpoints
{
    public static RouteGroupBuilder MapReportPageEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/datasets/{id}/report.html", RenderAsync)
            .WithTags("Results")
            .WithName("GetReportPage")
            .WithSummary("The last completed run as a self-contained HTML page with charts and the worst queries' overlays")
            .Produces<string>(StatusCodes.Status200OK, contentType: "text/html")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> RenderAsync(
        string id, IClusterClient cluster, IBlobStore blobs, IOptions<GatewaySettings> settings, CancellationToken cancellationToken)
    {
        var (dataset, access, report) = await ResultEndpoints.ReportAsync(cluster, blobs, id, cancellationToken);
        var queries = report.Outcomes
            .Select(e => new ReportQuery(e.Image, e.CoarseDice, e.FinalDice, e.RegistrationSeconds, e.SegmentationSeconds, e.Error, e.Uncertainty, e.Stratum))
            .ToArray();
        var final = report.FinalDiceMean is not null || report.Sam;
        var overlays = new List<QueryOverlay>();
        foreach (var worst in WorstQueries.Of(queries))
        {
            var entry = report.Outcomes.First(e => e.Image == worst.Image);
            if (await OverlayAsync(blobs, access, entry, final, settings.Value.MaxFileBytes, cancellationToken) is { } png)
            {
                overlays.Add(new QueryOverlay(worst.Image, png));
            }
        }

        var run = new ReportRun(
            report.RunId,
            [new ReportSetting("stages", Stages(report)), new ReportSetting("wall-clock seconds", Number(report.WallSeconds))],
            queries,
            [
                new StageSeconds("registration, summed over queries", queries.Sum(q => q.RegistrationSeconds)),
                new StageSeconds("segmentation, summed over queries", queries.Sum(q => q.SegmentationSeconds)),
            ],
            report.Auto is { } auto
                ? new ReportAutoChoice(auto.Chosen, auto.Candidates.Select(c => new ReportAutoCandidate(c.Pipeline, c.LeaveOneOutDice, c.Failed, c.FirstFailure)).ToArray(), auto.Note)
                : null,
            overlays,
            access.TruthPrefix is null
                ? "yellow: the coarse mask's outline; cyan: the final mask's"
                : $"green: the ground truth's outline; {(final ? "cyan: the final mask's" : "yellow: the coarse mask's")}");
        var page = new SegmentationReport(
            $"SamMpa run of {dataset.Id}",
            dataset.Id,
            [
                new ReportSetting("images", report.Images.ToString(CultureInfo.InvariantCulture)),
                new ReportSetting("supports", $"{report.Supports.Count} ({(report.SupportsByEmbedding ? "selected by embedding" : "random")}{(report.Stratified == true ? $", per {report.StratumField}" : string.Empty)}), {report.Atlases} atlas(es) per query"),
                new ReportSetting("encoder", report.Encoder ?? "none"),
                new ReportSetting("working size", report.WorkingSize.ToString(CultureInfo.InvariantCulture)),
            ],
            [run]);
        return TypedResults.Content(HtmlReport.Render(page), "text/html; charset=utf-8");
    }

    /// <summary>The query with its delivered mask's outline (against the ground truth's when there is one); null when a blob is missing.</summary>
    private static async Task<byte[]?> OverlayAsync(
        IBlobStore blobs, DatasetAccess access, DatasetReport.Entry entry, bool final, long maxFileBytes, CancellationToken cancellationToken)
    {
        var maskBlob = final ? entry.Mask : entry.CoarseMask;
        var image = await blobs.ReadAsync(access.ImagePrefix + entry.Image, maxFileBytes, cancellationToken);
        var mask = maskBlob is null ? null : await blobs.ReadAsync(maskBlob, cancellationToken);
        if (image is null || mask is null)
        {
            return null;
        }

        using var decoded = ImageFile.Decode(image, entry.Image, ImageLimits.Default);
        using var decodedMask = ImageFile.DecodeMask(mask, maskBlob!, ImageLimits.Default);
        var truth = access.TruthPrefix is null
            ? null
            : await blobs.ReadAsync(access.TruthPrefix + DatasetBlobLayout.MaskName(entry.Image), cancellationToken);
        if (truth is null)
        {
            return final ? MaskOverlay.EncodePng(decoded, null, decodedMask) : MaskOverlay.EncodePng(decoded, decodedMask, null);
        }

        using var decodedTruth = ImageFile.DecodeMask(truth, $"ground truth of {entry.Image}", ImageLimits.Default);
        return MaskOverlay.EncodeComparisonPng(decoded, decodedTruth, decodedMask, final ? MaskOverlay.FinalColor : MaskOverlay.CoarseColor);
    }

    private static string Stages(DatasetReport.Report report)
    {
        var stages = new List<string>();
        if (report.Register)
        {
            stages.Add("mp");
        }

        if (report.Localise)
        {
            stages.Add("loc");
        }

        if (report.GraphCut)
        {
            stages.Add("rf");
        }

        if (report.Sam)
        {
            stages.Add(report.Refine > 0 ? $"pa, pr x{report.Refine}" : "pa");
        }

        return (report.Auto is { } auto ? $"auto (chose {auto.Chosen}): " : string.Empty) + string.Join(", ", stages);
    }

    private static string Number(double? value) => value?.ToString("0.0", CultureInfo.InvariantCulture) ?? "–";
}
