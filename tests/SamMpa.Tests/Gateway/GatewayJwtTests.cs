using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using SamMpa.Gateway;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// Bearer tokens of an OIDC issuer (one on loopback, in the test) at the gateway: a token's user owns the dataset she
/// uploads, another needs a grant, refused tokens are 401 problems saying why, and API keys keep working beside them.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayJwtTests(GatewayFixture gateway) : IAsyncLifetime
{
    private TestOidcIssuer _issuer = null!;
    private WebApplicationFactory<GatewaySettings> _site = null!;
    private string _gatewayKey = null!;

    public async Task InitializeAsync()
    {
        _issuer = await TestOidcIssuer.StartAsync();
        _gatewayKey = (await gateway.Cluster.Client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).CreateDelegateAsync("gateway-jwt")).Secret;
        _site = gateway.With(new Dictionary<string, string>(JwtSettings(_issuer.Issuer)) { ["Gateway:AccessKey"] = _gatewayKey });
    }

    public async Task DisposeAsync()
    {
        await _site.DisposeAsync();
        await _issuer.DisposeAsync();
    }

    [Fact]
    public async Task A_token_user_owns_the_dataset_she_uploads_and_another_is_refused_until_granted_viewer()
    {
        using var alice = Http(_issuer.Mint("alice"));
        using var bob = Http(_issuer.Mint("bob"));
        Assert.Equal(new CallerView("oidc:alice", false), await GatewayJson.ReadAsync<CallerView>(await alice.GetAsync("/api/v1/whoami")));

        var dataset = PipelineFlow.NewDatasetId();
        using var phantoms = new PhantomDataset(2);
        using var upload = new MultipartFormDataContent { { new StringContent(dataset), "id" }, { new StringContent("64"), "workingSize" } };
        for (var i = 0; i < 2; i++)
        {
            var image = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(phantoms.ImagesDirectory, PhantomDataset.Name(i))));
            image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            upload.Add(image, "images", PhantomDataset.Name(i));
        }

        var created = await alice.PostAsync("/api/v1/datasets", upload);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(2, (await GatewayJson.ReadAsync<DatasetCreated>(created)).Uploaded);
        var status = await GatewayJson.ReadAsync<DatasetView>(await alice.GetAsync($"/api/v1/datasets/{dataset}"));
        Assert.NotEqual(DatasetPhase.None, status.Status.Phase);
        var grain = gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset);
        Assert.Equal("oidc:alice", (await grain.RequireRoleAsync(DatasetRole.Viewer)).Owner);

        // Bob: 403 (the silos' grants, not the gateway, refuse him) until alice, through the gateway's key, grants him viewer.
        await GatewayJson.ProblemAsync(await bob.GetAsync($"/api/v1/datasets/{dataset}"), 403, "'oidc:bob'");
        await AsAliceAsync(() => grain.GrantAsync("oidc:bob", DatasetRole.Viewer));
        Assert.Equal(dataset, (await GatewayJson.ReadAsync<DatasetView>(await bob.GetAsync($"/api/v1/datasets/{dataset}"))).Status.Dataset);
        await GatewayJson.ProblemAsync(await bob.PostAsync($"/api/v1/datasets/{dataset}/cancel", null), 403, "the owner role");

        // An API key beside the tokens, as a bearer and as X-Api-Key.
        using var admin = gateway.Http(GatewayKeys.Admin);
        Assert.True((await GatewayJson.ReadAsync<CallerView>(await admin.GetAsync("/api/v1/whoami"))).Admin);
        using var keyed = _site.CreateClient();
        keyed.DefaultRequestHeaders.Add("X-Api-Key", await gateway.KeyForAsync("keyed-kim"));
        Assert.Equal("keyed-kim", (await GatewayJson.ReadAsync<CallerView>(await keyed.GetAsync("/api/v1/whoami"))).Principal);
        using var keyedBearer = Http(await gateway.KeyForAsync("keyed-kay"));
        await GatewayJson.ProblemAsync(await keyedBearer.GetAsync($"/api/v1/datasets/{dataset}"), 403, "'keyed-kay'");
    }

    [Fact]
    public async Task Expired_wrong_audience_wrong_issuer_forged_and_unsigned_tokens_are_401_problems_saying_why()
    {
        var refused = new (string Token, string Why)[]
        {
            (_issuer.Mint("alice", expires: DateTime.UtcNow.AddHours(-1)), "expired"),
            (_issuer.Mint("alice", audience: "another-service"), "another audience"),
            (_issuer.Mint("alice", issuer: "https://issuer.invalid"), "issuer this gateway does not trust"),
            (_issuer.Mint("alice", forgedKey: true), "signature"),
            (_issuer.MintUnsigned("alice"), "signature"),
        };

        foreach (var (token, why) in refused)
        {
            using var http = Http(token);
            var answer = await http.GetAsync("/api/v1/whoami");
            var problem = await GatewayJson.ProblemAsync(answer, 401, why);
            Assert.DoesNotContain("IDX", problem.Detail, StringComparison.Ordinal);
            Assert.StartsWith("Bearer", answer.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        // The same token with a good signature passes; health needs nothing.
        using var good = Http(_issuer.Mint("alice"));
        Assert.Equal(HttpStatusCode.OK, (await good.GetAsync("/api/v1/whoami")).StatusCode);
        using var anonymous = _site.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);
        await GatewayJson.ProblemAsync(await anonymous.GetAsync("/api/v1/whoami"), 401, "bearer token");
    }

    [Fact]
    public async Task Each_token_principal_has_its_own_rate_limit_window()
    {
        await using var limited = _site.WithWebHostBuilder(web => web.UseSetting("Gateway:RateLimitPermits", "2"));
        using var alice = Http(limited, _issuer.Mint("alice"));
        using var bob = Http(limited, _issuer.Mint("bob"));

        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/v1/whoami")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync("/api/v1/whoami")).StatusCode);
        await GatewayJson.ProblemAsync(await alice.GetAsync("/api/v1/whoami"), 429, "'oidc:alice'");
        Assert.Equal(HttpStatusCode.OK, (await bob.GetAsync("/api/v1/whoami")).StatusCode);
    }

    [Fact]
    public async Task A_gateway_without_an_authority_refuses_a_token_saying_that_it_takes_none()
    {
        using var http = gateway.Http(_issuer.Mint("alice"));

        await GatewayJson.ProblemAsync(await http.GetAsync("/api/v1/whoami"), 401, "Gateway:Jwt:Authority is not set");
    }

    [Fact]
    public async Task Jwt_without_the_gateways_own_key_or_audience_refuses_to_start_naming_the_settings()
    {
        var settings = JwtSettings(_issuer.Issuer);
        settings.Remove("Gateway:Jwt:Audience");
        // A host of our own rather than the factory's deferred one, whose failed start can surface as "disposed object"
        // when it races the host's disposal.
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings.Select(p => KeyValuePair.Create(p.Key, (string?)p.Value)))
        {
            ["Gateway:CoHosted"] = "true",
            ["Gateway:Port"] = "0",
            ["Gateway:LoopbackOnly"] = "true",
            ["Storage:LocalRoot"] = gateway.Cluster.Root,
        });
        builder.Services.AddSingleton(gateway.Cluster.Client);
        builder.Services.AddSingleton<IGrainFactory>(gateway.Cluster.Client);
        builder.AddSamMpaGateway();
        await using var site = builder.Build();
        site.MapSamMpaGateway();

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => site.StartAsync());
        var messages = string.Join(" | ", Chain(failure).Select(e => e.Message));
        Assert.Contains("Gateway:AccessKey", messages, StringComparison.Ordinal);
        Assert.Contains("Gateway:Jwt:Authority", messages, StringComparison.Ordinal);
        Assert.Contains("Gateway:Jwt:Audience", messages, StringComparison.Ordinal);
    }

    private static Dictionary<string, string> JwtSettings(string issuer) => new()
    {
        ["Gateway:Jwt:Authority"] = issuer,
        ["Gateway:Jwt:Audience"] = TestOidcIssuer.Audience,
        ["Gateway:Jwt:RequireHttpsMetadata"] = "false",
    };

    private HttpClient Http(string bearer) => Http(_site, bearer);

    private static HttpClient Http(WebApplicationFactory<GatewaySettings> site, string bearer)
    {
        var client = site.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return client;
    }

    /// <summary>Runs <paramref name="call"/> as the gateway does for alice's token: its delegate key on her behalf.</summary>
    private async Task AsAliceAsync(Func<Task> call)
    {
        RequestContext.Set(CallerContext.AccessKey, _gatewayKey);
        RequestContext.Set(CallerContext.OnBehalfOf, "oidc:alice");
        try
        {
            await call();
        }
        finally
        {
            RequestContext.Remove(CallerContext.AccessKey);
            RequestContext.Remove(CallerContext.OnBehalfOf);
        }
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? e = exception; e is not null; e = e.InnerException)
        {
            yield return e;
            if (e is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}
