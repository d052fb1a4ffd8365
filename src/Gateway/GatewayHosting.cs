using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Features;
using SamMpa.Gateway.Api;
using SamMpa.Gateway.Errors;
using SamMpa.Gateway.Health;
using SamMpa.Gateway.Security;
using SamMpa.Gateway.WebApp;
using SamMpa.Hosting;
using SamMpa.Storage;

namespace SamMpa.Gateway;

/// <summary>
/// The gateway's composition: options, the cluster client (callers' keys only), the blob store, API-key and bearer-token
/// authentication, the per-caller rate limiter, problem details, OpenAPI, and the endpoints.
/// </summary>
public static class GatewayHosting
{
    /// <summary>Base path of every API endpoint.</summary>
    public const string ApiBase = "/api/v1";

    public static WebApplicationBuilder AddSamMpaGateway(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<GatewaySettings>().BindConfiguration(GatewaySettings.Section).ValidateDataAnnotations().ValidateOnStart();
        var settings = builder.Configuration.GetSection(GatewaySettings.Section).Get<GatewaySettings>() ?? new GatewaySettings();

        if (!settings.CoHosted)
        {
            builder.AddSamMpaClient(callerKeysOnly: true);
        }

        builder.Services.AddSingleton<IBlobStore>(_ => BlobStores.Create(SiloHosting.StorageOf(builder.Configuration)));

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (settings.LoopbackOnly)
            {
                kestrel.Listen(System.Net.IPAddress.Loopback, settings.Port);
            }
            else
            {
                kestrel.ListenAnyIP(settings.Port);
            }

            kestrel.Limits.MaxRequestBodySize = settings.MaxRequestBytes;
        });
        builder.Services.Configure<FormOptions>(form =>
        {
            // Uploads are read section by section (UploadReader), never as a buffered form; these bound anything else.
            form.MultipartBodyLengthLimit = settings.MaxUploadBytes;
            form.ValueCountLimit = 64;
        });

        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddGatewayProblems();
        builder.Services.AddGatewayAuthentication(settings);
        builder.Services.AddGatewayRateLimiting(settings);
        builder.Services.AddGatewayReadiness();
        builder.Services.AddGatewayOpenApi();
        return builder;
    }

    public static WebApplication MapSamMpaGateway(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseGatewayWebApp();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseCallerKeyForwarding();

        app.MapGatewayHealth();
        app.MapGatewayOpenApi();
        var api = app.MapGroup(ApiBase)
            .RequireAuthorization()
            .RequireRateLimiting(GatewayRateLimiting.PerKeyPolicy);
        api.MapDatasetEndpoints();
        api.MapSupportEndpoints();
        api.MapResultEndpoints();
        api.MapEventEndpoints();
        api.MapCallerEndpoints();
        api.MapReportPageEndpoints();
        api.MapWebhookEndpoints();
        return app;
    }
}
