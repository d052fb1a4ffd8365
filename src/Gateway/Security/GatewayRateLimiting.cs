using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SamMpa.Gateway.Errors;

namespace SamMpa.Gateway.Security;

/// <summary>
/// ASP.NET Core's rate limiter, one fixed window per caller (its principal, from the API key or the bearer token; a
/// token's principal carries its prefix, so it never shares a key's window): a busy caller is answered 429 with a
/// problem and Retry-After, and other callers are not slowed by it.
/// </summary>
internal static class GatewayRateLimiting
{
    public const string PerKeyPolicy = "per-key";

    public static IServiceCollection AddGatewayRateLimiting(this IServiceCollection services, GatewaySettings settings)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(PerKeyPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
                context.User.Identity?.Name ?? "anonymous",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.RateLimitPermits,
                    Window = settings.RateLimitWindow,
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
                    : (int)Math.Ceiling(settings.RateLimitWindow.TotalSeconds);
                rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
                await GatewayProblems.WriteAsync(
                    rejected.HttpContext,
                    StatusCodes.Status429TooManyRequests,
                    "Too many requests",
                    $"Principal '{rejected.HttpContext.User.Identity?.Name}' made more than {settings.RateLimitPermits} requests in {settings.RateLimitWindow}; retry after {seconds} s.");
            };
        });
        return services;
    }
}
