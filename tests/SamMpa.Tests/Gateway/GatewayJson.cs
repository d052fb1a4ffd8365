using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;

namespace SamMpa.Tests.Gateway;

/// <summary>The gateway's JSON as a client reads it (web defaults, enums by name), and its problem answers.</summary>
internal static class GatewayJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"expected success, got {(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<T>(body, Options) ?? throw new InvalidDataException($"empty answer: {body}");
    }

    /// <summary>Asserts a problem+json answer of <paramref name="status"/> whose detail names <paramref name="item"/>.</summary>
    public static async Task<ProblemDetails> ProblemAsync(HttpResponseMessage response, int status, string item)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode == status, $"expected {status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonSerializer.Deserialize<ProblemDetails>(body, Options)!;
        Assert.Equal(status, problem.Status);
        Assert.Contains(item, problem.Detail ?? string.Empty, StringComparison.Ordinal);
        return problem;
    }

    public static JsonContent Json<T>(T value) => JsonContent.Create(value, options: Options);
}
