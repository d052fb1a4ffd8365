using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using SamMpa.Gateway.Errors;
using SamMpa.Grains.Security;

namespace SamMpa.Gateway.Security;

/// <summary>
/// JwtBearer for tokens of the OIDC issuer in <c>Gateway:Jwt</c>: issuer, audience, lifetime and a signature by one of
/// the issuer's keys (its JWKS, found by discovery), all required. A valid token's caller is the principal
/// <c>PrincipalPrefix + PrincipalClaim</c>; its grain calls carry the gateway's delegate key on behalf of that
/// principal (<see cref="CallerKey"/>), so the silos and the dataset's grants decide as for a key. A refused token is a
/// 401 problem saying why, in words that name no key, URL or library detail.
/// </summary>
internal static class GatewayJwtBearer
{
    public const string SchemeName = JwtBearerDefaults.AuthenticationScheme;

    public static AuthenticationBuilder AddGatewayJwtBearer(this AuthenticationBuilder authentication)
    {
        authentication.AddJwtBearer(SchemeName, _ => { });
        authentication.Services.AddOptions<JwtBearerOptions>(SchemeName).Configure<IOptions<GatewaySettings>>((options, gateway) =>
        {
            var jwt = gateway.Value.Jwt;
            options.Authority = jwt.Authority;
            options.Audience = jwt.Audience;
            options.RequireHttpsMetadata = jwt.RequireHttpsMetadata;
            // The claims as the issuer named them: PrincipalClaim "sub" means "sub", not a mapped URI.
            options.MapInboundClaims = false;
            options.TokenValidationParameters.ValidateIssuer = true;
            options.TokenValidationParameters.ValidateAudience = true;
            options.TokenValidationParameters.ValidateLifetime = true;
            options.TokenValidationParameters.RequireExpirationTime = true;
            options.TokenValidationParameters.RequireSignedTokens = true;
            options.TokenValidationParameters.ValidateIssuerSigningKey = true;
            options.TokenValidationParameters.ClockSkew = jwt.ClockSkew;
            options.Events = new JwtBearerEvents
            {
                OnTokenValidated = context => Enter(context, gateway.Value),
                OnChallenge = Challenge,
                OnForbidden = context => GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status403Forbidden, "Forbidden", "This token may not do that."),
            };
        });
        return authentication;
    }

    /// <summary>The token's principal as the request's caller, and the gateway's delegate key for its grain calls.</summary>
    private static Task Enter(TokenValidatedContext context, GatewaySettings gateway)
    {
        var jwt = gateway.Jwt;
        var subject = context.Principal?.FindFirst(jwt.PrincipalClaim)?.Value;
        if (string.IsNullOrWhiteSpace(subject))
        {
            context.Fail(new RefusedTokenException($"The bearer token has no '{jwt.PrincipalClaim}' claim to name its caller."));
            return Task.CompletedTask;
        }

        string principal;
        try
        {
            principal = PrincipalNames.RequireDelegable(jwt.PrincipalPrefix + subject, $"The bearer token's '{jwt.PrincipalClaim}' claim");
        }
        catch (ArgumentException invalid)
        {
            context.Fail(new RefusedTokenException(invalid.Message));
            return Task.CompletedTask;
        }

        context.HttpContext.Features.Set(new CallerKey(gateway.AccessKey!, principal));
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, principal), new Claim(ApiKeyAuthenticationHandler.AdminClaim, "false")],
            SchemeName);
        context.Principal = new ClaimsPrincipal(identity);
        return Task.CompletedTask;
    }

    private static Task Challenge(JwtBearerChallengeContext context)
    {
        context.HandleResponse();
        context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
            ? "Bearer realm=\"sammpa\""
            : "Bearer realm=\"sammpa\", error=\"invalid_token\"";
        return GatewayProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, "Authentication required", Why(context.AuthenticateFailure));
    }

    /// <summary>Why a token was refused, in the caller's terms: no keys, addresses or library messages.</summary>
    internal static string Why(Exception? failure) => failure switch
    {
        null => "This endpoint needs a bearer token or an API key.",
        RefusedTokenException refused => refused.Message,
        SecurityTokenExpiredException => "The bearer token has expired; get a new one from the issuer.",
        SecurityTokenNotYetValidException => "The bearer token is not valid yet.",
        SecurityTokenNoExpirationException => "The bearer token has no expiry time ('exp').",
        SecurityTokenInvalidAudienceException => "The bearer token was issued for another audience than this gateway.",
        SecurityTokenInvalidIssuerException => "The bearer token comes from an issuer this gateway does not trust.",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException or SecurityTokenInvalidAlgorithmException =>
            "The bearer token's signature does not verify with the issuer's keys (or it is unsigned).",
        SecurityTokenMalformedException or ArgumentException => "The bearer token is not a well-formed JWT.",
        InvalidOperationException or HttpRequestException => "The token issuer's keys cannot be fetched just now; try again later.",
        _ => "The bearer token is not valid.",
    };

    /// <summary>A token the gateway refuses after its signature checked out; its message is shown to the caller.</summary>
    private sealed class RefusedTokenException(string message) : Exception(message);
}
