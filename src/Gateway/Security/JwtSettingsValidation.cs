using Microsoft.Extensions.Options;
using SamMpa.Grains.Security;

namespace SamMpa.Gateway.Security;

/// <summary>
/// Checks <c>Gateway:Jwt:*</c> and <c>Gateway:AccessKey</c> when the gateway starts: a setting that cannot work stops it
/// with a message naming the setting, never at the first token.
/// </summary>
internal sealed class JwtSettingsValidation : IValidateOptions<GatewaySettings>
{
    private static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, GatewaySettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = Problems(options).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    private static IEnumerable<string> Problems(GatewaySettings options)
    {
        var jwt = options.Jwt;
        if (!jwt.Enabled)
        {
            yield break;
        }

        const string Section = JwtSettings.Section;
        if (!Uri.TryCreate(jwt.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            yield return $"{Section}:Authority '{jwt.Authority}' is not an absolute http(s) URL of an OIDC issuer.";
        }
        else if (authority.Scheme == "http" && jwt.RequireHttpsMetadata)
        {
            yield return $"{Section}:Authority '{jwt.Authority}' is http: the issuer's keys must come over https; set {Section}:RequireHttpsMetadata=false for a test or development issuer only.";
        }

        if (string.IsNullOrWhiteSpace(jwt.Audience))
        {
            yield return $"{Section}:Audience is empty while {Section}:Authority is set: name the audience this gateway's tokens are issued for.";
        }

        if (string.IsNullOrWhiteSpace(jwt.PrincipalClaim))
        {
            yield return $"{Section}:PrincipalClaim is empty: name the token claim that names the caller (default 'sub').";
        }

        if (jwt.PrincipalPrefix.Any(char.IsControl) || jwt.PrincipalPrefix.Trim() != jwt.PrincipalPrefix)
        {
            yield return $"{Section}:PrincipalPrefix '{jwt.PrincipalPrefix}' has control characters or leading or trailing spaces.";
        }
        else if (jwt.PrincipalPrefix.StartsWith(PrincipalNames.ReservedPrefix, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{Section}:PrincipalPrefix '{jwt.PrincipalPrefix}' starts with '{PrincipalNames.ReservedPrefix}', which names the cluster's own principals; use e.g. 'oidc:'.";
        }

        if (jwt.ClockSkew < TimeSpan.Zero || jwt.ClockSkew > MaxClockSkew)
        {
            yield return $"{Section}:ClockSkew {jwt.ClockSkew} is outside 00:00:00..{MaxClockSkew}.";
        }

        if (string.IsNullOrWhiteSpace(options.AccessKey))
        {
            yield return $"{Section}:Authority is set but {GatewaySettings.Section}:AccessKey is empty: a token's grain calls need the gateway's own delegate key (sammpa keys create --principal gateway --delegate).";
        }
    }
}
