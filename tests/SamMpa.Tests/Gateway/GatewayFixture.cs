using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SamMpa.Gateway;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Security;

namespace SamMpa.Tests.Gateway;

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "Gateway";
}

/// <summary>
/// The gateway in memory (<see cref="WebApplicationFactory{TEntryPoint}"/> over its Program) in front of the in-process
/// two-role cluster the pipeline tests use: the gateway is co-hosted with the cluster's client and reads the cluster's
/// blob folder. One for every gateway test; limits small enough to hit (annotations up to 64 KiB).
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const long MaxAnnotationBytes = 64 * 1024;

    private readonly PipelineClusterFixture _cluster = new();
    private WebApplicationFactory<GatewaySettings> _factory = null!;
    private Task<string>? _selectedDataset;

    public PipelineClusterFixture Cluster => _cluster;

    public async Task InitializeAsync()
    {
        await _cluster.InitializeAsync();
        _factory = new WebApplicationFactory<GatewaySettings>().WithWebHostBuilder(Configure);
        _ = _factory.Server;
    }

    /// <summary>
    /// The same gateway on a real port (Kestrel, on its own Gateway:Port), for a browser, logging to <paramref name="logs"/>
    /// when given; the caller disposes it.
    /// </summary>
    public (WebApplicationFactory<GatewaySettings> Site, Uri Address) StartOnLoopback(Browser.ServerLog? logs = null)
    {
        var port = Infrastructure.FreePorts.Take(1)[0];
        var factory = new WebApplicationFactory<GatewaySettings>().WithWebHostBuilder(web =>
        {
            Configure(web);
            web.UseSetting("Gateway:Port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (logs is not null)
            {
                // Its own rule: the gateway's configuration may quieten the request log, which this wants.
                web.ConfigureLogging(logging => logging.AddProvider(logs).AddFilter<Browser.ServerLog>(null, LogLevel.Information));
            }
        });
        factory.UseKestrel();
        factory.StartServer();
        return (factory, new Uri($"http://127.0.0.1:{port}"));
    }

    private void Configure(IWebHostBuilder web)
    {
        web.UseSetting("Gateway:CoHosted", "true");
        web.UseSetting("Storage:LocalRoot", _cluster.Root);
        web.UseSetting("Gateway:MaxAnnotationBytes", MaxAnnotationBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
        web.UseSetting("Gateway:KeyCacheLifetime", "00:00:00");
        web.ConfigureTestServices(services =>
        {
            // The cluster's client stands for the one a co-hosted silo would register.
            services.AddSingleton(_cluster.Client);
            services.AddSingleton<IGrainFactory>(_cluster.Client);
        });
    }

    /// <summary>An HTTP client of the gateway; with <paramref name="key"/> as its API key (bearer), or none.</summary>
    public HttpClient Http(string? key = null)
    {
        var client = _factory.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    /// <summary>A second gateway over the same cluster with one setting changed (its own rate limiter and caches).</summary>
    public WebApplicationFactory<GatewaySettings> With(string setting, string value) =>
        _factory.WithWebHostBuilder(web => web.UseSetting(setting, value));

    /// <summary>A second gateway over the same cluster with <paramref name="settings"/> changed.</summary>
    public WebApplicationFactory<GatewaySettings> With(IReadOnlyDictionary<string, string> settings) =>
        _factory.WithWebHostBuilder(web =>
        {
            foreach (var (setting, value) in settings)
            {
                web.UseSetting(setting, value);
            }
        });

    /// <summary>A new non-admin key for <paramref name="principal"/>.</summary>
    public async Task<string> KeyForAsync(string principal) =>
        (await _cluster.Client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).CreateAsync(principal, admin: false)).Secret;

    /// <summary>
    /// A dataset of 8 phantoms that the admin created and selected 2 supports of (no annotations): shared by the tests of
    /// bad requests, which leave it as it is.
    /// </summary>
    public Task<string> SelectedDatasetAsync() => _selectedDataset ??= SelectAsync();

    public async Task DisposeAsync()
    {
        await _factory.DisposeAsync();
        await _cluster.DisposeAsync();
    }

    private async Task<string> SelectAsync()
    {
        var dataset = PipelineFlow.NewDatasetId();
        using var phantoms = new Evaluation.PhantomDataset(PipelineFlow.ImageCount);
        await PipelineFlow.UploadAsync(_cluster.Blobs, dataset, phantoms);
        var status = await PipelineFlow.SelectAsync(_cluster.Client, dataset);
        Assert.Equal(DatasetPhase.AwaitingAnnotations, status.Phase);
        return dataset;
    }
}

/// <summary>The admin key of the test clusters, for requests that need no particular principal.</summary>
internal static class GatewayKeys
{
    public const string Admin = TestAccessKeys.Admin;
}
