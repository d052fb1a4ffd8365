using Microsoft.Extensions.Options;
using SamMpa.Gateway.Errors;
using SamMpa.Gateway.Uploads;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Gateway.Api;

/// <summary>
/// <c>/datasets/{id}/supports</c>: the selected supports in rank order, each one's image, and its annotation (a PNG mask
/// the gateway checks, stores and has the dataset accept, as <c>sammpa annotate</c> does).
/// </summary>
internal static class SupportEndpoints
{
    public static RouteGroupBuilder MapSupportEndpoints(this RouteGroupBuilder api)
    {
        var supports = api.MapGroup("/datasets/{id}/supports").WithTags("Supports");

        supports.MapGet("/", ListAsync)
            .WithName("ListSupports")
            .WithSummary("The selected supports in the selection's rank order, each with how many queries it serves and its stratum (site)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        supports.MapGet("/{image}/image", ImageAsync)
            .WithName("GetSupportImage")
            .WithSummary("A support's image as PNG")
            .Produces(StatusCodes.Status200OK, contentType: "image/png")
            .ProducesProblem(StatusCodes.Status404NotFound);

        supports.MapPut("/{image}/annotation", AnnotateAsync)
            .WithName("PutAnnotation")
            .WithSummary("A support's annotation: a PNG mask of the image's size, nonzero = target; then the dataset checks every support's")
            .Accepts<byte[]>("image/png")
            .Produces<DatasetView>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);

        return supports;
    }

    private static async Task<IReadOnlyList<SupportView>> ListAsync(string id, IClusterClient cluster, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var dataset = new GatewayDataset(cluster, id);
        await dataset.RequireAsync(DatasetRole.Viewer);
        var status = await dataset.Grain.GetStatusAsync();
        var served = await SelectionBlobs.SupportsAsync(blobs, dataset.Id, cancellationToken);
        return status.Supports
            .Select((image, index) => served.TryGetValue(image, out var support)
                ? new SupportView(index + 1, image, !status.MissingAnnotations.Contains(image), support.Queries, support.Stratum)
                : new SupportView(index + 1, image, !status.MissingAnnotations.Contains(image), null))
            .ToList();
    }

    private static async Task<IResult> ImageAsync(string id, string image, IClusterClient cluster, IBlobStore blobs, IOptions<GatewaySettings> settings, CancellationToken cancellationToken)
    {
        var dataset = new GatewayDataset(cluster, id);
        var access = await dataset.RequireAsync(DatasetRole.Viewer);
        var name = await RequireSupportAsync(dataset, image);
        var content = await ResultEndpoints.ImagePngAsync(blobs, access, dataset, name, settings.Value, cancellationToken);
        return TypedResults.File(content, "image/png");
    }

    private static async Task<DatasetView> AnnotateAsync(
        string id, string image, HttpRequest request, IClusterClient cluster, IBlobStore blobs, IOptions<GatewaySettings> options, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var dataset = new GatewayDataset(cluster, id);
        // The dataset's grants decide before the gateway writes with its own storage credentials.
        var access = await dataset.RequireAsync(DatasetRole.Annotator);
        var name = await RequireSupportAsync(dataset, image);
        var content = await AnnotationUpload.ReadAsync(
            request, access, name, $"The annotation of support {name} of dataset '{dataset.Id}'", blobs, settings, cancellationToken);
        await blobs.WriteAsync(DatasetBlobLayout.Annotation(dataset.Id, name), content, cancellationToken);
        return DatasetView.Of(await dataset.Grain.AcceptAnnotationsAsync());
    }

    /// <summary>The image name if it is one of the dataset's supports; 404 naming it otherwise.</summary>
    private static async Task<string> RequireSupportAsync(GatewayDataset dataset, string image)
    {
        var name = GatewayDataset.ImageName(image);
        var status = await dataset.Grain.GetStatusAsync();
        return status.Supports.Contains(name)
            ? name
            : throw new KeyNotFoundException(status.Supports.Count == 0
                ? $"Dataset '{dataset.Id}' has no supports yet, so image {name} is none: select supports first."
                : $"Image {name} is not a support of dataset '{dataset.Id}'; its supports are {string.Join(", ", status.Supports)}.");
    }
}
