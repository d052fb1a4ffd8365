using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace SamMpa.Gateway.Security;

/// <summary>
/// API keys, and bearer tokens from an OIDC issuer when <c>Gateway:Jwt:Authority</c> is set, behind one policy scheme
/// that picks by what the request carries: a bearer token shaped like a JWT goes to JwtBearer, anything else (and
/// <c>X-Api-Key</c> always) to the API keys. The default policy needs an authenticated caller: every endpoint but health
/// answers only to a key or a token.
/// </summary>
internal static class GatewayAuthentication
{
    public const string SchemeName = "sammpa";

    public static IServiceCollection AddGatewayAuthentication(this IServiceCollection services, GatewaySettings settings)
    {
        services.AddMemoryCache();
        services.AddSingleton<IValidateOptions<GatewaySettings>, JwtSettingsValidation>();
        var jwt = settings.Jwt.Enabled;
        var authentication = services.AddAuthentication(SchemeName)
            .AddPolicyScheme(SchemeName, "API key or bearer token", policy => policy.ForwardDefaultSelector = context =>
                jwt && !context.Request.Headers.ContainsKey(ApiKeyAuthenticationHandler.ApiKeyHeader)
                    && BearerTokens.BearerOf(context.Request) is { } token && BearerTokens.IsJwt(token)
                    ? GatewayJwtBearer.SchemeName
                    : ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        if (jwt)
        {
            authentication.AddGatewayJwtBearer();
        }

        var authenticated = new AuthorizationPolicyBuilder(SchemeName).RequireAuthenticatedUser().Build();
        services.AddAuthorizationBuilder()
            .SetDefaultPolicy(authenticated)
            .SetFallbackPolicy(authenticated);
        return services;
    }
}
