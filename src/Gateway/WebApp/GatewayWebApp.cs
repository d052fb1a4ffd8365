using Microsoft.Net.Http.Headers;

namespace SamMpa.Gateway.WebApp;

/// <summary>
/// The web app (wwwroot/app: plain HTML, CSS and JavaScript modules, nothing fetched from elsewhere) under /app, and /
/// sent there. Its files hold no data and are served without a key; every call they make to /api/v1 carries the key
/// the visitor signs in with. A strict Content-Security-Policy keeps the pages to their own scripts and the API.
/// </summary>
internal static class GatewayWebApp
{
    public const string Path = "/app";

    private const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static WebApplication UseGatewayWebApp(this WebApplication app)
    {
        app.MapGet("/", () => Results.Redirect(Path + "/")).AllowAnonymous().ExcludeFromDescription();
        app.UseDefaultFiles(new DefaultFilesOptions { RequestPath = Path, FileProvider = Files(app) });
        app.UseStaticFiles(new StaticFileOptions
        {
            RequestPath = Path,
            FileProvider = Files(app),
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                headers[HeaderNames.XContentTypeOptions] = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                // Small files that change with each release: always revalidated, never stale after an upgrade.
                headers[HeaderNames.CacheControl] = "no-cache";
            },
        });
        return app;
    }

    private static Microsoft.Extensions.FileProviders.PhysicalFileProvider Files(WebApplication app) =>
        new(System.IO.Path.Combine(app.Environment.WebRootPath ?? System.IO.Path.Combine(app.Environment.ContentRootPath, "wwwroot"), "app"));
}
