using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace SamMpa.Gateway.Security;

/// <summary>
/// API keys as the one authentication scheme, and a default policy that needs an authenticated caller: every endpoint
/// but health answers only to a key. JWT bearer (an OIDC issuer) is a second scheme to add beside it, picked by a
/// policy scheme from the token's shape (see <see cref="ApiKeyAuthenticationHandler.KeyOf"/>); its grain calls would
/// then need a principal the silos trust, which is not built yet.
/// </summary>
internal static class GatewayAuthentication
{
    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services)
    {
        services.AddMemoryCache();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build())
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());
        return services;
    }
}
