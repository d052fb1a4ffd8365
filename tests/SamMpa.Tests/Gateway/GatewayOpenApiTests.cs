using System.Text.Json.Nodes;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Gateway;

/// <summary>The checked-in src/Gateway/openapi.json is what the gateway serves at /openapi/v1.json.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayOpenApiTests(GatewayFixture gateway)
{
    /// <summary>Set to 1 to have the test write the served document over the checked-in one.</summary>
    private const string UpdateVariable = "SAMMPA_UPDATE_OPENAPI";

    [Fact]
    public async Task The_checked_in_openapi_document_equals_the_served_one()
    {
        using var http = gateway.Http(GatewayKeys.Admin);
        var served = JsonNode.Parse(await http.GetStringAsync("/openapi/v1.json"))!;
        var path = Path.Combine(RepositoryRoot.Path, "src", "Gateway", "openapi.json");
        var text = served.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            await File.WriteAllTextAsync(path, text);
        }

        var checkedIn = File.Exists(path) ? JsonNode.Parse(await File.ReadAllTextAsync(path)) : null;
        Assert.True(
            JsonNode.DeepEquals(checkedIn, served),
            $"src/Gateway/openapi.json differs from what the gateway serves at /openapi/v1.json. Regenerate it: {UpdateVariable}=1 dotnet test tests/SamMpa.Tests -c Release --filter \"FullyQualifiedName~GatewayOpenApiTests\", and commit it.");
    }
}
