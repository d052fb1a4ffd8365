using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using SamMpa.Gateway.Errors;
using SamMpa.Grains.Security;

namespace SamMpa.Gateway.Security;

/// <summary>
/// Authenticates a request by the cluster's own access keys (<c>sammpa keys create</c>): the key comes as
/// <c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>, and the cluster names its principal
/// (<see cref="IAccessKeysGrain.WhoAmIAsync"/>, called with that key). An unknown or revoked key fails (401). The key
/// is kept on the request (<see cref="CallerKey"/>) for every grain call the request makes.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IClusterClient cluster,
    IMemoryCache cache,
    IOptions<GatewaySettings> settings)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string ApiKeyHeader = "X-Api-Key";
    public const string AdminClaim = "sammpa:admin";

    private const string JwtOff = $"This gateway takes no bearer tokens (JWT): {JwtSettings.Section}:Authority is not set. Send an API key.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var secret = KeyOf(Request);
        if (secret is null)
        {
            return AuthenticateResult.NoResult();
        }

        // Here only while Gateway:Jwt is off (GatewayAuthentication sends tokens to JwtBearer otherwise).
        if (BearerTokens.IsJwt(secret))
        {
            return AuthenticateResult.Fail(JwtOff);
        }

        // Cached by the key's hash, never by the key itself.
        var cacheKey = "sammpa-key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
        if (!cache.TryGetValue(cacheKey, out CallerPrincipal? principal) || principal is null)
        {
            try
            {
                principal = await CallerKey.CallAsync(secret, () => cluster.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).WhoAmIAsync());
            }
            catch (AccessDeniedException)
            {
                return AuthenticateResult.Fail("The API key is unknown or revoked; ask an admin for a key (sammpa keys create).");
            }

            if (settings.Value.KeyCacheLifetime > TimeSpan.Zero)
            {
                cache.Set(cacheKey, principal, settings.Value.KeyCacheLifetime);
            }
        }

        Context.Features.Set(new CallerKey(secret));
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, principal.Name), new Claim(AdminClaim, principal.Admin ? "true" : "false")],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = $"Bearer realm=\"sammpa\", {ApiKeyHeader}";
        return GatewayProblems.WriteAsync(
            Context,
            StatusCodes.Status401Unauthorized,
            "Authentication required",
            KeyOf(Request) switch
            {
                null => $"This endpoint needs an API key or a bearer token: send it as 'Authorization: Bearer <key or token>' (or '{ApiKeyHeader}: <key>').",
                var key when BearerTokens.IsJwt(key) => JwtOff,
                _ => "The API key is unknown or revoked; ask an admin for a key (sammpa keys create).",
            });
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        GatewayProblems.WriteAsync(Context, StatusCodes.Status403Forbidden, "Forbidden", "This key may not do that.");

    /// <summary>The key of the request: X-Api-Key, else a bearer token; null when it carries neither.</summary>
    internal static string? KeyOf(HttpRequest request)
    {
        if (request.Headers.TryGetValue(ApiKeyHeader, out var header) && !string.IsNullOrWhiteSpace(header.ToString()))
        {
            return header.ToString().Trim();
        }

        // A bearer JWT comes here only while JWT is off: GatewayAuthentication's policy scheme picks by the shape.
        return BearerTokens.BearerOf(request);
    }
}
