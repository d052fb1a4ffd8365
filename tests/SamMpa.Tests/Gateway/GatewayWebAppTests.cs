using System.Net;
using System.Text.RegularExpressions;
using SamMpa.Gateway.Api;

namespace SamMpa.Tests.Gateway;

/// <summary>The web app's files under /app: served without a key, kept to themselves by their CSP, nothing from elsewhere.</summary>
[Collection(GatewayCollection.Name)]
public sealed partial class GatewayWebAppTests(GatewayFixture gateway)
{
    public static TheoryData<string> Pages => ["index.html", "dataset.html", "annotate.html", "review.html"];

    [Fact]
    public async Task The_root_sends_a_browser_to_the_app()
    {
        using var http = gateway.Http();

        using var response = await http.GetAsync("/");

        // The test client follows the redirect: where it ended is what a browser shows.
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected / to lead to the app, got {(int)response.StatusCode}");
        Assert.Equal("/app/", response.RequestMessage?.RequestUri?.AbsolutePath);
        Assert.Contains("<title>SamMpa</title>", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Each_page_and_everything_it_links_is_served_without_a_key_under_a_strict_csp(string page)
    {
        using var http = gateway.Http();

        using var response = await http.GetAsync($"/app/{page}");

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"expected /app/{page}, got {(int)response.StatusCode}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        var html = await response.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(InlineStyleOrScript(), html);
        foreach (Match link in LocalReference().Matches(html))
        {
            var target = link.Groups["target"].Value;
            using var linked = await http.GetAsync($"/app/{target}");
            Assert.True(linked.StatusCode == HttpStatusCode.OK, $"expected /app/{target}, which {page} links, to be served; got {(int)linked.StatusCode}");
        }
    }

    [Fact]
    public void No_file_of_the_app_loads_anything_from_another_site()
    {
        var root = Path.Combine(Infrastructure.RepositoryRoot.Path, "src", "Gateway", "wwwroot", "app");
        var files = Directory.GetFiles(root);
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            Assert.DoesNotMatch(ExternalUrl(), File.ReadAllText(file));
        }
    }

    [Fact]
    public async Task Whoami_names_the_keys_principal()
    {
        using var http = gateway.Http(await gateway.KeyForAsync("gw-whoami"));

        var caller = await GatewayJson.ReadAsync<CallerView>(await http.GetAsync("/api/v1/whoami"));

        Assert.Equal(new CallerView("gw-whoami", Admin: false), caller);
    }

    [Fact]
    public async Task The_api_behind_the_app_still_needs_a_key()
    {
        using var http = gateway.Http();

        using var response = await http.GetAsync("/api/v1/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [GeneratedRegex("""(?:src|href)="(?<target>[a-z0-9-]+\.(?:js|css|html|svg))["?]""")]
    private static partial Regex LocalReference();

    [GeneratedRegex("""style="|<script>|<script type="module">""")]
    private static partial Regex InlineStyleOrScript();

    [GeneratedRegex("""(?:src|href)=["']?(?:https?:)?//|import\s.*from\s+['"](?:https?:)?//|url\((?:https?:)?//""")]
    private static partial Regex ExternalUrl();
}
