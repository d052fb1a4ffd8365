using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// An OIDC issuer on loopback for the gateway's JWT tests: Kestrel on a port of its own serving the discovery document
/// and a JWKS with one RSA key made here, and tokens minted with that key (or, to be refused, another). No internet.
/// </summary>
internal sealed class TestOidcIssuer : IAsyncDisposable
{
    public const string Audience = "sammpa-gateway";

    private const string KeyId = "test-key-1";

    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly RSA _stranger = RSA.Create(2048);

    private TestOidcIssuer(WebApplication app, string issuer)
    {
        _app = app;
        Issuer = issuer;
    }

    /// <summary>The issuer's URL (its tokens' <c>iss</c>, the gateway's Gateway:Jwt:Authority).</summary>
    public string Issuer { get; }

    public static async Task<TestOidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        TestOidcIssuer? issuer = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Text(issuer!.Discovery(), "application/json"));
        app.MapGet("/jwks", () => Results.Text(issuer!.Jwks(), "application/json"));
        await app.StartAsync();
        issuer = new TestOidcIssuer(app, app.Urls.Single().TrimEnd('/'));
        return issuer;
    }

    /// <summary>A token for <paramref name="subject"/>, signed with the issuer's key unless <paramref name="forgedKey"/>.</summary>
    public string Mint(
        string subject,
        string? audience = null,
        string? issuer = null,
        DateTime? expires = null,
        bool forgedKey = false)
    {
        var expiry = expires ?? DateTime.UtcNow.AddMinutes(10);
        var signing = new RsaSecurityKey(forgedKey ? _stranger : _rsa) { KeyId = KeyId };
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            IssuedAt = expiry.AddMinutes(-20),
            NotBefore = expiry.AddMinutes(-20),
            Expires = expiry,
            SigningCredentials = new SigningCredentials(signing, SecurityAlgorithms.RsaSha256),
        });
    }

    /// <summary>An unsigned token (<c>alg: none</c>) that is otherwise valid.</summary>
    public string MintUnsigned(string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = JsonSerializer.Serialize(new Dictionary<string, object> { ["alg"] = "none", ["typ"] = "JWT" });
        var payload = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["iss"] = Issuer, ["aud"] = Audience, ["sub"] = subject, ["iat"] = now, ["nbf"] = now, ["exp"] = now + 600,
        });
        return $"{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(header))}.{Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload))}.";
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
        _stranger.Dispose();
    }

    private string Discovery() => JsonSerializer.Serialize(new Dictionary<string, object>
    {
        ["issuer"] = Issuer,
        ["jwks_uri"] = Issuer + "/jwks",
        ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        ["response_types_supported"] = new[] { "code" },
        ["subject_types_supported"] = new[] { "public" },
    });

    private string Jwks()
    {
        var key = _rsa.ExportParameters(includePrivateParameters: false);
        return JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["keys"] = new[]
            {
                new Dictionary<string, string>
                {
                    ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(key.Modulus!), ["e"] = Base64UrlEncoder.Encode(key.Exponent!),
                },
            },
        });
    }
}
