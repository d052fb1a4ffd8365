using Microsoft.OpenApi;
using SamMpa.Gateway.Uploads;
using Scalar.AspNetCore;

namespace SamMpa.Gateway;

/// <summary>
/// The OpenAPI document (<c>/openapi/v1.json</c>) and Scalar's reference over it (<c>/scalar</c>), both behind the API
/// key like the API. The document names no server (the caller knows where it asked), so it is the same wherever the
/// gateway runs and can be checked in (src/Gateway/openapi.json).
/// </summary>
internal static class GatewayOpenApi
{
    public const string DocumentPath = "/openapi/v1.json";

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "SamMpa gateway";
                document.Info.Description = "The dataset lifecycle of SAM-MPA few-shot segmentation over HTTP. Send an access key (sammpa keys create) as 'Authorization: Bearer <key>' or 'X-Api-Key', or, where the gateway trusts an OIDC issuer, its token (JWT) as 'Authorization: Bearer <token>'.";
                document.Servers = [];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                // One endpoint takes JSON or an upload; the endpoint's metadata can describe one body type only.
                if (context.Description.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == CreateDatasetOperation)
                    && operation.RequestBody?.Content is { } content)
                {
                    content["multipart/form-data"] = new OpenApiMediaType { Schema = UploadSchema() };
                }

                return Task.CompletedTask;
            });
        });
        return services;
    }

    /// <summary>Name of the endpoint that creates a dataset (JSON or an upload).</summary>
    public const string CreateDatasetOperation = "CreateDataset";

    /// <summary>The upload's form, as <see cref="DatasetUpload"/> reads it.</summary>
    private static OpenApiSchema UploadSchema()
    {
        var files = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Required = new HashSet<string> { DatasetUpload.IdField },
            Properties = new Dictionary<string, IOpenApiSchema>
            {
                [DatasetUpload.IdField] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The dataset id; before the files." },
                [DatasetUpload.WorkingSizeField] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "Longest side of the working grid (default 256); before the files." },
                [DatasetUpload.ImagesField] = files,
                [DatasetUpload.TruthField] = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" }, Description = "Ground-truth masks, each named like its image." },
            },
        };
    }

    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(DocumentPath).RequireAuthorization();
        endpoints.MapScalarApiReference("/scalar", options => options.WithOpenApiRoutePattern(DocumentPath)).RequireAuthorization();
        return endpoints;
    }
}
