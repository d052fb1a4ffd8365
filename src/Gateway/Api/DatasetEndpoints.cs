using System.Security.Claims;
using Microsoft.Extensions.Options;
using SamMpa.Gateway.Security;
using SamMpa.Gateway.Uploads;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Grains.Security;
using SamMpa.Storage;

namespace SamMpa.Gateway.Api;

/// <summary>
/// <c>/datasets</c>: create (an upload, or images already in storage), status and progress, select supports, run,
/// cancel. Each step returns at once with the status; <c>GET /datasets/{id}</c> tells how it goes.
/// </summary>
internal static class DatasetEndpoints
{
    public static RouteGroupBuilder MapDatasetEndpoints(this RouteGroupBuilder api)
    {
        var datasets = api.MapGroup("/datasets").WithTags("Datasets");

        datasets.MapPost("/", CreateAsync)
            .WithName(GatewayOpenApi.CreateDatasetOperation)
            .WithSummary("Create a dataset from an upload or from images already in blob storage")
            .WithDescription("multipart/form-data: the fields 'id' and 'workingSize' first, then image files under 'images' and "
                + "ground-truth masks under 'truth' (named like their image), streamed into storage. application/json: a "
                + "CreateFromPrefixRequest naming a blob prefix, read in place while it holds images alone; one with .dcm blobs "
                + "is imported into the dataset's folder as an upload of its files would be (a bad instance in 'notIngested'). "
                + "Files already stored are kept. Answers 201 with the status; "
                + "the dataset then embeds its images.")
            .Accepts<CreateFromPrefixRequest>("application/json", "multipart/form-data")
            .Produces<DatasetCreated>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        datasets.MapGet("/{id}", async (string id, IClusterClient cluster) =>
                DatasetView.Of(await new GatewayDataset(cluster, id).Grain.GetStatusAsync()))
            .WithName("GetDataset")
            .WithSummary("The dataset's status and the progress of its current step")
            .ProducesProblem(StatusCodes.Status404NotFound);

        datasets.MapPost("/{id}/selection", async (string id, SelectionRequest request, IClusterClient cluster) =>
                TypedResults.Accepted($"{GatewayHosting.ApiBase}/datasets/{id}", DatasetView.Of(await new GatewayDataset(cluster, id).Grain.SelectSupportsAsync(request.ToMessage()))))
            .WithName("SelectSupports")
            .WithSummary("Select the K supports to annotate (once every image is embedded)")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        datasets.MapPost("/{id}/runs", async (string id, RunRequest request, IClusterClient cluster) =>
                TypedResults.Accepted($"{GatewayHosting.ApiBase}/datasets/{id}", DatasetView.Of(await new GatewayDataset(cluster, id).Grain.RunAsync(RunStages.ToSettings(request)))))
            .WithName("StartRun")
            .WithSummary("Segment every query, with the settings of 'sammpa run'")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        datasets.MapPost("/{id}/cancel", async (string id, IClusterClient cluster) =>
                DatasetView.Of(await new GatewayDataset(cluster, id).Grain.CancelAsync()))
            .WithName("CancelDataset")
            .WithSummary("Stop the dataset's current step; answers once nothing of it runs")
            .ProducesProblem(StatusCodes.Status404NotFound);

        return datasets;
    }

    private static async Task<IResult> CreateAsync(HttpContext context, IClusterClient cluster, IBlobStore blobs, IOptions<GatewaySettings> options)
    {
        var settings = options.Value;
        var cancellationToken = context.RequestAborted;
        if (context.Request.HasFormContentType)
        {
            DatasetUpload.AllowLongBody(context, settings);
            var reader = DatasetUpload.ReaderOf(context.Request);
            var fields = await DatasetUpload.ReadFieldsAsync(reader, cancellationToken);
            var dataset = new GatewayDataset(cluster, fields.Dataset);
            // Before any blob is written with the gateway's credentials: a dataset that exists is its owner's to add to, and
            // an id not created yet is claimed for the caller, so no other key can slip files into it meanwhile.
            await dataset.Grain.ReserveAsync();
            var stored = await DatasetUpload.StoreFilesAsync(reader, fields.FirstFile, dataset.Id, blobs, settings, cancellationToken);
            var status = await dataset.Grain.CreateAsync(new CreateDataset
            {
                TruthPrefix = stored.Truth > 0 ? DatasetBlobLayout.TruthPrefix(dataset.Id) : null,
                WorkingSize = fields.WorkingSize,
            });
            return Created(dataset.Id, new DatasetCreated(status, stored.Uploaded, stored.Kept, stored.NotIngested.Count > 0 ? stored.NotIngested : null));
        }

        if (!context.Request.HasJsonContentType())
        {
            throw new ArgumentException($"POST /datasets takes multipart/form-data (an upload) or application/json (a blob prefix), not '{context.Request.ContentType}'.");
        }

        var request = await context.Request.ReadFromJsonAsync<CreateFromPrefixRequest>(cancellationToken)
            ?? throw new ArgumentException("The body is empty: send a CreateFromPrefixRequest.");
        var target = new GatewayDataset(cluster, request.Id);
        await RequireReadableAsync(cluster, context.User, settings, request.ImagePrefix, target.Id);
        await RequireReadableAsync(cluster, context.User, settings, request.TruthPrefix, target.Id);
        if (request.ImagePrefix is { } prefix && request.Images is null
            && await DicomPrefix.ListWithDicomAsync(blobs, prefix, cancellationToken) is { } names)
        {
            // DICOM under the prefix: imported into the dataset's folder as an upload of it would be. The id is claimed
            // before the first blob is written, as for an upload.
            await target.Grain.ReserveAsync();
            var imported = await PrefixImport.ImportAsync(prefix, names, target.Id, blobs, settings, cancellationToken);
            var converted = await target.Grain.CreateAsync(new CreateDataset { TruthPrefix = request.TruthPrefix, WorkingSize = request.WorkingSize });
            return Created(target.Id, new DatasetCreated(converted, imported.Uploaded, imported.Kept, imported.NotIngested.Count > 0 ? imported.NotIngested : null));
        }

        var created = await target.Grain.CreateAsync(new CreateDataset
        {
            ImagePrefix = request.ImagePrefix,
            Images = request.Images,
            TruthPrefix = request.TruthPrefix,
            WorkingSize = request.WorkingSize,
        });
        return Created(target.Id, new DatasetCreated(created, 0, 0));
    }

    private static IResult Created(string dataset, DatasetCreated body) =>
        TypedResults.Created($"{GatewayHosting.ApiBase}/datasets/{dataset}", body);

    /// <summary>
    /// A prefix inside another dataset's folder is that dataset's to read: the caller needs the viewer role on it, or a
    /// new dataset would show another's images to whoever it is granted to. A prefix outside the datasets' folders is an
    /// archive the gateway's storage credentials reach but no grant covers: only under <c>Gateway:ImportPrefixes</c>, or
    /// for an admin key.
    /// </summary>
    private static async Task RequireReadableAsync(IClusterClient cluster, ClaimsPrincipal user, GatewaySettings settings, string? prefix, string dataset)
    {
        if (prefix is null)
        {
            return;
        }

        var segments = BlobName.PrefixSegments(prefix);
        if (segments[0] == DatasetBlobLayout.Root)
        {
            if (segments.Length >= 2 && segments[1] != dataset)
            {
                await cluster.GetGrain<IDatasetGrain>(segments[1]).RequireRoleAsync(DatasetRole.Viewer);
            }

            return;
        }

        var normalised = string.Join('/', segments) + "/";
        if (!user.HasClaim(ApiKeyAuthenticationHandler.AdminClaim, "true")
            && !settings.ImportPrefixes.Any(allowed => normalised.StartsWith(allowed.EndsWith('/') ? allowed : allowed + "/", StringComparison.Ordinal)))
        {
            throw new AccessDeniedException(
                settings.ImportPrefixes.Length == 0
                    ? $"Prefix '{prefix}' is outside the datasets' folders: only an admin key may make a dataset of it (or list it in Gateway:ImportPrefixes)."
                    : $"Prefix '{prefix}' is outside the datasets' folders and not under Gateway:ImportPrefixes ({string.Join(", ", settings.ImportPrefixes)}).",
                dataset);
        }
    }
}
