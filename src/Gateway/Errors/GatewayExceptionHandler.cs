using Microsoft.AspNetCore.Diagnostics;
using SamMpa.Grains;
using SamMpa.Grains.Security;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Gateway.Errors;

/// <summary>
/// Maps what the cluster and the gateway throw to problem answers that name the item: a refused role 403, an unknown
/// dataset or image 404, bad input 400, a state that forbids the step 409, a size limit 413, a silo role the cluster
/// lacks 503. Anything else is a 500 whose text stays in the log.
/// </summary>
internal sealed class GatewayExceptionHandler(ILogger<GatewayExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, title, detail) = exception switch
        {
            AccessDeniedException e => (StatusCodes.Status403Forbidden, "Forbidden", e.Message),
            KeyNotFoundException e => (StatusCodes.Status404NotFound, "Not found", e.Message),
            PayloadTooLargeException e => (StatusCodes.Status413PayloadTooLarge, "Payload too large", e.Message),
            BlobTooLargeException e => (StatusCodes.Status413PayloadTooLarge, "Payload too large", e.Message),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } e =>
                (StatusCodes.Status413PayloadTooLarge, "Payload too large", $"{httpContext.Request.Path}: {e.Message}"),
            BadHttpRequestException e => (e.StatusCode, "Bad request", $"{httpContext.Request.Path}: {e.Message}"),
            InvalidImageException e => (StatusCodes.Status400BadRequest, "Bad image", e.Message),
            ArgumentException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            InvalidDataException e => (StatusCodes.Status400BadRequest, "Bad request", e.Message),
            SiloRoleUnavailableException e => (StatusCodes.Status503ServiceUnavailable, "Service unavailable", e.Message),
            InvalidOperationException e => (StatusCodes.Status409Conflict, "Conflict", e.Message),
            _ => (StatusCodes.Status500InternalServerError, "Internal error", "The gateway failed to serve this request; its log says why."),
        };
        if (status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Request {Method} {Path} failed", httpContext.Request.Method, httpContext.Request.Path);
        }

        if (httpContext.Response.HasStarted)
        {
            // A streamed answer (a ZIP) already sent its headers: nothing to write, the connection is cut.
            return false;
        }

        await GatewayProblems.WriteAsync(httpContext, status, title, detail);
        return true;
    }
}
