using System.Security.Claims;
using SamMpa.Gateway.Security;

namespace SamMpa.Gateway.Api;

/// <summary>Who the request's key belongs to: what the web app shows after sign-in, and a quick check of a key.</summary>
internal static class CallerEndpoints
{
    public static RouteGroupBuilder MapCallerEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/whoami", (ClaimsPrincipal user) =>
                new CallerView(user.Identity?.Name ?? string.Empty, user.HasClaim(ApiKeyAuthenticationHandler.AdminClaim, "true")))
            .WithTags("Caller")
            .WithName("WhoAmI")
            .WithSummary("The principal the API key belongs to, and whether it is an admin key");
        return api;
    }
}

/// <summary>The caller of <c>GET /whoami</c>.</summary>
public sealed record CallerView(string Principal, bool Admin);
