using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SamMpa.Hosting;

namespace SamMpa.Tests.Hosting;

/// <summary>Web hosts as the silo process builds them, for tests, and an HTTP client to ask them.</summary>
internal static class SiloWebHosts
{
    /// <summary>
    /// A web host builder with Kestrel and routing and only <paramref name="settings"/> as configuration: no
    /// environment variables (say Storage__Provider=azure from a shell) or appsettings reach it.
    /// </summary>
    public static WebApplicationBuilder Builder(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore();
        builder.Services.AddRouting();
        builder.Configuration.AddInMemoryCollection(settings);
        return builder;
    }

    /// <summary>
    /// Adds the silo's health and metrics endpoints to <paramref name="builder"/>, builds the app, maps them and starts it,
    /// as the silo process does; an app that fails to start is disposed before the failure is thrown.
    /// </summary>
    public static async Task<WebApplication> StartWithEndpointsAsync(WebApplicationBuilder builder)
    {
        builder.AddSamMpaHttpEndpoints();
        var app = builder.Build();
        try
        {
            app.MapSamMpaHttpEndpoints();
            await app.StartAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public static HttpClient HttpClient() => new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public sealed record Answer(HttpStatusCode Status, string? MediaType, string Body)
    {
        public JsonElement Json => JsonDocument.Parse(Body).RootElement.Clone();
    }

    public static async Task<Answer> SendAsync(HttpClient http, HttpMethod method, int port, string path, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, new Uri($"http://127.0.0.1:{port}{path}"));
        using var response = await http.SendAsync(request, cancellationToken);
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync(cancellationToken));
    }

    public static Task<Answer> GetAsync(HttpClient http, int port, string path, CancellationToken cancellationToken = default) =>
        SendAsync(http, HttpMethod.Get, port, path, cancellationToken);
}
