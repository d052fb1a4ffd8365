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
                document.Info.Description = "The dataset lifecycle of SAM-MPA few-shot segmentation over HTTP. Send an access key (sammpa keys create) as 'Authorization: Bearer <key>' or 'X-Api-Key'.";
                document.Servers = [];
                return Task.CompletedTask;
            });
        });
        return services;
    }

    public static IEndpointRouteBuilder MapGatewayOpenApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi(DocumentPath).RequireAuthorization();
        endpoints.MapScalarApiReference("/scalar", options => options.WithOpenApiRoutePattern(DocumentPath)).RequireAuthorization();
        return endpoints;
    }
}
