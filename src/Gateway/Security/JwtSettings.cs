namespace SamMpa.Gateway.Security;

/// <summary>
/// Bearer tokens from an OIDC issuer (section <c>Gateway:Jwt</c>): off while <see cref="Authority"/> is empty. A token's
/// caller is the principal <see cref="PrincipalPrefix"/> + its <see cref="PrincipalClaim"/>; the gateway calls the
/// grains for it with its own delegate key (<c>Gateway:AccessKey</c>).
/// </summary>
public sealed class JwtSettings
{
    public const string Section = GatewaySettings.Section + ":Jwt";

    /// <summary>The OIDC issuer: its discovery document (/.well-known/openid-configuration) names its keys (JWKS).</summary>
    public string? Authority { get; set; }

    /// <summary>The audience a token must be for (its <c>aud</c>); required with <see cref="Authority"/>.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim that names the caller.</summary>
    public string PrincipalClaim { get; set; } = "sub";

    /// <summary>Put before the claim's value, so a token's principal never is a key's principal (grants name it so).</summary>
    public string PrincipalPrefix { get; set; } = "oidc:";

    /// <summary>Fetch the issuer's metadata over HTTPS only; false only for tests and development.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>How far the issuer's clock and this one may disagree on a token's lifetime.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);
}
