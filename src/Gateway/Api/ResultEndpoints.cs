using System.Globalization;
using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Gateway.Uploads;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Gateway.Api;

/// <summary>
/// The last completed run of a dataset: results per image, each image's masks and overlay as PNG, report.json, a CSV,
/// and a ZIP of the masks (and the SEGs of images from DICOM) with the report, streamed as it is built.
/// </summary>
internal static class ResultEndpoints
{
    public static RouteGroupBuilder MapResultEndpoints(this RouteGroupBuilder api)
    {
        var results = api.MapGroup("/datasets/{id}").WithTags("Results");

        results.MapGet("/results", async (string id, IClusterClient cluster, IBlobStore blobs, CancellationToken cancellationToken) =>
            {
                var (_, _, report) = await ReportAsync(cluster, blobs, id, cancellationToken);
                return new ResultsView(report.Dataset, report.RunId, report.CoarseDiceMean, report.FinalDiceMean, Rows(report));
            })
            .WithName("GetResults")
            .WithSummary("Per image of the last completed run: status, Dice when ground truth exists, uncertainty, error")
            .ProducesProblem(StatusCodes.Status404NotFound);

        results.MapGet("/results/{image}/{kind}", MaskAsync)
            .WithName("GetResultImage")
            .WithSummary("A query's final mask ('mask'), coarse mask ('coarse'), both outlined over the image ('overlay') or the image itself ('image'), as PNG")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        results.MapPost("/results/{image}/promote", PromoteAsync)
            .WithName("PromoteQuery")
            .WithSummary("Correct and promote: the query becomes a support, its annotation the PNG mask in the body (or, with no body, its final mask as it is); "
                + "the next run with the same settings re-segments only the queries whose nearest supports changed")
            .Accepts<byte[]>("image/png")
            .Produces<DatasetView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        results.MapGet("/report.json", async (string id, IClusterClient cluster, IBlobStore blobs, CancellationToken cancellationToken) =>
                TypedResults.File(DatasetReport.Serialize((await ReportAsync(cluster, blobs, id, cancellationToken)).Report), "application/json"))
            .WithName("GetReport")
            .WithSummary("report.json of the last completed run (snake_case, as the silos write it)")
            .Produces(StatusCodes.Status200OK, contentType: "application/json")
            .ProducesProblem(StatusCodes.Status404NotFound);

        results.MapGet("/results.csv", async (string id, IClusterClient cluster, IBlobStore blobs, CancellationToken cancellationToken) =>
                TypedResults.Text(Csv((await ReportAsync(cluster, blobs, id, cancellationToken)).Report), "text/csv", Encoding.UTF8))
            .WithName("GetResultsCsv")
            .WithSummary("The results as CSV, one row per image")
            .Produces(StatusCodes.Status200OK, contentType: "text/csv")
            .ProducesProblem(StatusCodes.Status404NotFound);

        results.MapGet("/download.zip", DownloadAsync)
            .WithName("DownloadRun")
            .WithSummary("A ZIP of the last completed run: masks/, coarse/, seg/ (the DICOM Segmentations of images read from DICOM), report.json and results.csv, streamed")
            .Produces(StatusCodes.Status200OK, contentType: "application/zip")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return results;
    }

    internal static async Task<(GatewayDataset Dataset, DatasetAccess Access, DatasetReport.Report Report)> ReportAsync(
        IClusterClient cluster, IBlobStore blobs, string id, CancellationToken cancellationToken)
    {
        var dataset = new GatewayDataset(cluster, id);
        var access = await dataset.RequireAsync(DatasetRole.Viewer);
        var bytes = await blobs.ReadAsync(DatasetBlobLayout.Report(dataset.Id), cancellationToken)
            ?? throw new KeyNotFoundException($"Dataset '{dataset.Id}' has no results yet: no run has completed.");
        return (dataset, access, DatasetReport.Deserialize(bytes));
    }

    private static List<ImageResult> Rows(DatasetReport.Report report) =>
        report.Outcomes.Select(e => new ImageResult(e.Image, e.Error is null ? "segmented" : "failed", e.FinalDice, e.CoarseDice, e.Uncertainty, e.Error))
            .Concat(report.NotEmbedded.Select(e => new ImageResult(e.Image, "not-embedded", null, null, null, e.Error)))
            .ToList();

    private static async Task<IResult> MaskAsync(
        string id, string image, string kind, IClusterClient cluster, IBlobStore blobs, IOptions<GatewaySettings> settings, CancellationToken cancellationToken)
    {
        if (kind is not ("mask" or "coarse" or "overlay" or "image"))
        {
            throw new ArgumentException($"'{kind}' is not a result image: use mask, coarse, overlay or image.");
        }

        var (dataset, access, report) = await ReportAsync(cluster, blobs, id, cancellationToken);
        var name = GatewayDataset.ImageName(image);
        var entry = report.Outcomes.FirstOrDefault(e => e.Image == name)
            ?? throw new KeyNotFoundException($"Image {name} is not a query of dataset '{dataset.Id}''s last run ({report.RunId}).");
        if (kind == "image")
        {
            return TypedResults.File(await ImagePngAsync(blobs, access, dataset, name, settings.Value, cancellationToken), "image/png");
        }

        var coarse = entry.CoarseMask is null ? null : await blobs.ReadAsync(entry.CoarseMask, cancellationToken);
        var final = entry.Mask is null ? null : await blobs.ReadAsync(entry.Mask, cancellationToken);
        if (kind != "overlay")
        {
            var mask = (kind == "mask" ? final : coarse)
                ?? throw new KeyNotFoundException($"Dataset '{dataset.Id}' has no {kind} of image {name} in run {report.RunId}{(entry.Error is null ? string.Empty : $": {entry.Error}")}.");
            return TypedResults.File(mask, "image/png");
        }

        var imageBlob = access.ImagePrefix + name;
        var content = await blobs.ReadAsync(imageBlob, settings.Value.MaxFileBytes, cancellationToken)
            ?? throw new KeyNotFoundException($"Dataset '{dataset.Id}': image {name} is missing from storage ({imageBlob}).");
        using var decoded = ImageFile.Decode(content, name, ImageLimits.Default);
        using var coarseMask = coarse is null ? null : ImageFile.DecodeMask(coarse, $"coarse mask of {name}", ImageLimits.Default);
        using var finalMask = final is null ? null : ImageFile.DecodeMask(final, $"mask of {name}", ImageLimits.Default);
        return TypedResults.File(MaskOverlay.EncodePng(decoded, coarseMask, finalMask), "image/png");
    }

    /// <summary>
    /// Promotes a query of the last run: the correction (if the body has one) is checked as an annotation and kept under
    /// corrections/, and the dataset makes it the new support's annotation (owner only).
    /// </summary>
    private static async Task<DatasetView> PromoteAsync(
        string id, string image, HttpRequest request, IClusterClient cluster, IBlobStore blobs, IOptions<GatewaySettings> settings, CancellationToken cancellationToken)
    {
        var dataset = new GatewayDataset(cluster, id);
        // Owner first: the gateway writes the correction with its own storage credentials.
        var access = await dataset.RequireAsync(DatasetRole.Owner);
        var (_, _, report) = await ReportAsync(cluster, blobs, id, cancellationToken);
        var name = GatewayDataset.ImageName(image);
        if (report.Outcomes.All(e => e.Image != name))
        {
            throw new KeyNotFoundException($"Image {name} is not a query of dataset '{dataset.Id}''s last run ({report.RunId}); only its queries can be promoted.");
        }

        var corrected = request.ContentLength is not 0 && (request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0);
        if (corrected)
        {
            var content = await AnnotationUpload.ReadAsync(
                request, access, name, $"The correction of query {name} of dataset '{dataset.Id}'", blobs, settings.Value, cancellationToken);
            await blobs.WriteAsync(DatasetBlobLayout.Correction(dataset.Id, name), content, cancellationToken);
        }

        return DatasetView.Of(await dataset.Grain.PromoteAsync(new PromoteQuery { Image = name, Corrected = corrected }));
    }

    /// <summary>A dataset image as PNG (other formats are converted to grey PNG, as the supports' images are).</summary>
    internal static async Task<byte[]> ImagePngAsync(
        IBlobStore blobs, DatasetAccess access, GatewayDataset dataset, string name, GatewaySettings settings, CancellationToken cancellationToken)
    {
        var blob = access.ImagePrefix + name;
        var content = await blobs.ReadAsync(blob, settings.MaxFileBytes, cancellationToken)
            ?? throw new KeyNotFoundException($"Dataset '{dataset.Id}': image {name} is missing from storage ({blob}).");
        if (ImageFile.IsPng(content))
        {
            return content;
        }

        using var decoded = ImageFile.Decode(content, name, ImageLimits.Default);
        return MaskFile.EncodeGrayPng(decoded);
    }

    private static async Task DownloadAsync(string id, HttpContext context, IClusterClient cluster, IBlobStore blobs)
    {
        var cancellationToken = context.RequestAborted;
        var (dataset, _, report) = await ReportAsync(cluster, blobs, id, cancellationToken);
        context.Response.ContentType = "application/zip";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{dataset.Id}-{report.RunId}.zip\"";
        // Entries go out one by one as they are written: the response is never held whole.
        await using var body = new DrainedWriteStream(context.Response.Body);
        using (var zip = new ZipArchive(body, ZipArchiveMode.Create, leaveOpen: true))
        {
            await AddAsync(zip, body, "report.json", DatasetReport.Serialize(report), cancellationToken);
            await AddAsync(zip, body, "results.csv", Encoding.UTF8.GetBytes(Csv(report)), cancellationToken);
            foreach (var entry in report.Outcomes)
            {
                var mask = DatasetBlobLayout.MaskName(entry.Image);
                foreach (var (name, blob) in new[] { ($"masks/{mask}", entry.Mask), ($"coarse/{mask}", entry.CoarseMask), ($"seg/{Path.ChangeExtension(mask, ".dcm")}", entry.Seg) })
                {
                    if (blob is not null && await blobs.ReadAsync(blob, cancellationToken) is { } content)
                    {
                        await AddAsync(zip, body, name, content, cancellationToken);
                    }
                }
            }
        }

        // The central directory, written when the archive closed.
        await body.DrainAsync(cancellationToken);
    }

    private static async Task AddAsync(ZipArchive zip, DrainedWriteStream body, string name, byte[] content, CancellationToken cancellationToken)
    {
        // PNGs are compressed already.
        var entry = zip.CreateEntry(name, name.EndsWith(".png", StringComparison.Ordinal) ? CompressionLevel.NoCompression : CompressionLevel.Fastest);
        using (var stream = entry.Open())
        {
            stream.Write(content);
        }

        await body.DrainAsync(cancellationToken);
    }

    private static string Csv(DatasetReport.Report report)
    {
        var csv = new StringBuilder("image,status,final_dice,coarse_dice,final_iou,coarse_iou,uncertainty,registration_seconds,segmentation_seconds,error\n");
        foreach (var e in report.Outcomes)
        {
            csv.Append(Field(e.Image)).Append(',').Append(e.Error is null ? "segmented" : "failed").Append(',')
                .Append(Number(e.FinalDice)).Append(',').Append(Number(e.CoarseDice)).Append(',')
                .Append(Number(e.FinalIou)).Append(',').Append(Number(e.CoarseIou)).Append(',')
                .Append(Number(e.Uncertainty)).Append(',')
                .Append(Number(e.RegistrationSeconds)).Append(',').Append(Number(e.SegmentationSeconds)).Append(',')
                .Append(Field(e.Error)).Append('\n');
        }

        foreach (var e in report.NotEmbedded)
        {
            csv.Append(Field(e.Image)).Append(",not-embedded,,,,,,,,").Append(Field(e.Error)).Append('\n');
        }

        return csv.ToString();
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? string.Empty;

    /// <summary>RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Field(string? value) =>
        value is null ? string.Empty
        : value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value
        : $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";
}
