using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SamMpa.Hosting;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Hosting;

/// <summary>Where the health and metrics endpoints listen (Orleans:HttpBindAddress) and which ports they take.</summary>
public sealed class HttpBindAddressTests
{
    private static StorageSettings Local() => new();

    private static StorageSettings Azure() => new() { Provider = StorageSettings.AzureProvider, Azure = { ConnectionString = "UseDevelopmentStorage=true" } };

    [Fact]
    public void A_development_silo_with_local_storage_listens_on_loopback_by_default()
    {
        Assert.Equal(IPAddress.Loopback, new ClusterSettings().HttpBindAddressFor(Local()));
    }

    [Fact]
    public void A_silo_with_azure_storage_listens_on_every_interface_by_default()
    {
        Assert.Equal(IPAddress.Any, new ClusterSettings().HttpBindAddressFor(Azure()));
    }

    [Theory]
    [InlineData("0.0.0.0")]
    [InlineData("10.1.2.3")]
    [InlineData("::")]
    public void A_given_address_is_taken_whatever_the_storage(string address)
    {
        var settings = new ClusterSettings { HttpBindAddress = address };

        Assert.Equal(IPAddress.Parse(address), settings.HttpBindAddressFor(Local()));
        Assert.Equal(IPAddress.Parse(address), settings.HttpBindAddressFor(Azure()));
    }

    [Fact]
    public void An_address_that_is_not_one_fails_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ClusterSettings { HttpBindAddress = "every-interface" }.HttpBindAddressFor(Local()));

        Assert.Contains("Orleans:HttpBindAddress 'every-interface' is not an IP address", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, 9464, "Orleans:HealthPort -1")]
    [InlineData(8080, 70000, "Orleans:MetricsPort 70000")]
    public void A_port_out_of_range_fails_naming_the_setting(int healthPort, int metricsPort, string named)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ClusterSettings { HealthPort = healthPort, MetricsPort = metricsPort }.ValidateHttpPorts());

        Assert.StartsWith(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_settings_bind_from_configuration()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Orleans:HttpBindAddress"] = "0.0.0.0", ["Orleans:HealthPort"] = "0" })
            .Build();

        var settings = ClusterSettings.From(configuration);

        Assert.Equal("0.0.0.0", settings.HttpBindAddress);
        Assert.Equal(0, settings.HealthPort);
        Assert.Equal(9464, settings.MetricsPort);
    }

    [Fact]
    public async Task A_development_silo_host_listens_on_loopback_only()
    {
        var ports = FreePorts.Take(2);
        var builder = SiloWebHosts.Builder(new Dictionary<string, string?>
        {
            ["Orleans:HealthPort"] = $"{ports[0]}",
            ["Orleans:MetricsPort"] = $"{ports[1]}",
            ["Storage:Provider"] = "local",
        });
        await using var app = await SiloWebHosts.StartWithEndpointsAsync(builder);
        try
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;

            Assert.Equal(ports.Select(port => $"http://127.0.0.1:{port}").Order(StringComparer.Ordinal), addresses.Order(StringComparer.Ordinal));
        }
        finally
        {
            await app.StopAsync();
        }
    }
}
