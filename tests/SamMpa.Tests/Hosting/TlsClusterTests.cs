using System.Net;
using System.Security.Authentication;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Placement;
using Orleans.Runtime;
using SamMpa.Hosting.Security;

using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Hosting;

public interface ITlsProbeGrain : IGrainWithStringKey
{
    /// <summary>The address of the silo this activation runs on.</summary>
    Task<string> WhereAsync();

    /// <summary>This activation's silo, then the silo of the grain <paramref name="other"/>, which it calls.</summary>
    Task<string[]> CallAsync(string other);
}

/// <summary>Placed on the silo the first call comes from: a client's gateway, or the silo a call is made on.</summary>
[PreferLocalPlacement]
public sealed class TlsProbeGrain(ILocalSiloDetails silo) : Grain, ITlsProbeGrain
{
    public Task<string> WhereAsync() => Task.FromResult(silo.SiloAddress.ToString());

    public async Task<string[]> CallAsync(string other) =>
        [silo.SiloAddress.ToString(), await GrainFactory.GetGrain<ITlsProbeGrain>(other).WhereAsync()];
}

/// <summary>
/// Mutual TLS on plain hosts (localhost clustering on free ports, Orleans and <see cref="TlsExtensions"/> only): two
/// silos and a client with certificates of one CA talk, silo to silo included; a client whose certificate another CA
/// signed is refused; TLS on without its certificate file stops the silo at start, naming the file.
/// </summary>
public sealed class TlsClusterTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly string _folder = Directory.CreateTempSubdirectory("sammpa-tls-").FullName;
    private readonly TlsTestCertificates _cluster;
    private readonly TlsTestCertificates _stranger;
    private readonly string _clusterId = $"tls-{Guid.NewGuid():N}";

    public TlsClusterTests()
    {
        _cluster = new TlsTestCertificates(_folder, "sammpa-test-ca");
        _stranger = new TlsTestCertificates(_folder, "other-ca");
    }

    public void Dispose()
    {
        _cluster.Dispose();
        _stranger.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Client_calls_and_silo_to_silo_calls_run_over_mutual_tls()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ports = FreePorts.Take(4);
        var (siloA, gatewayA, siloB, gatewayB) = (ports[0], ports[1], ports[2], ports[3]);
        var siloTls = Settings(_cluster.IssuePfx("sammpa-silo", password: "silo-secret"), "silo-secret", "sammpa-silo", "sammpa-client");
        var clientTls = Settings(_cluster.IssuePfx("sammpa-client"), password: null, "sammpa-silo");

        using var hostA = await StartSiloAsync(siloA, gatewayA, siloA, siloTls, timeout.Token);
        using var hostB = await StartSiloAsync(siloB, gatewayB, siloA, siloTls, timeout.Token);
        try
        {
            // Each silo sees both active: from here on the grain directory spans the two.
            await Task.WhenAll(BothActiveAsync(hostA, timeout.Token), BothActiveAsync(hostB, timeout.Token));
            var addressA = hostA.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();
            var addressB = hostB.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

            // A grain activated on silo B, by a call made on silo B.
            var onB = await hostB.Services.GetRequiredService<IGrainFactory>().GetGrain<ITlsProbeGrain>("on-b").WhereAsync().WaitAsync(timeout.Token);
            Assert.Equal(addressB, onB);

            // The client knows only silo A's gateway.
            using var client = await StartClientAsync([gatewayA], clientTls, timeout.Token);
            try
            {
                var grains = client.Services.GetRequiredService<IClusterClient>();
                var calls = await grains.GetGrain<ITlsProbeGrain>("on-a").CallAsync("on-b").WaitAsync(timeout.Token);
                Assert.Equal(new[] { addressA, addressB }, calls);
            }
            finally
            {
                await client.StopAsync(timeout.Token);
            }
        }
        finally
        {
            await hostB.StopAsync(timeout.Token);
            await hostA.StopAsync(timeout.Token);
        }
    }

    [Fact]
    public async Task A_client_whose_certificate_another_CA_signed_is_refused()
    {
        using var timeout = new CancellationTokenSource(Bound);
        var ports = FreePorts.Take(2);
        var siloTls = Settings(_cluster.IssuePfx("sammpa-silo"), password: null);
        // The client trusts the cluster's CA (it would accept the gateway), but its own certificate is a stranger's.
        var clientTls = new TlsSettings
        {
            Enabled = true,
            CertificatePath = _stranger.IssuePfx("sammpa-client"),
            TrustedCaPath = _cluster.CaPath,
        };

        var refusals = new HandshakeRefusals(2);
        using var silo = await StartSiloAsync(ports[0], ports[1], ports[0], siloTls, timeout.Token, refusals);
        try
        {
            using var client = BuildClient([ports[1]], clientTls);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
            var connect = Task.Run(async () =>
            {
                await client.StartAsync(stop.Token);
                await client.Services.GetRequiredService<IClusterClient>().GetGrain<ITlsProbeGrain>("refused").WhereAsync().WaitAsync(stop.Token);
            }, CancellationToken.None);

            // The gateway turns the client's certificate down, and again when the client tries anew; the client never
            // gets through. (With TLS 1.3 the client learns of it only as closed connections, and retries until stopped.)
            await refusals.Reached.WaitAsync(timeout.Token);
            Assert.False(connect.IsCompletedSuccessfully, "the client with a stranger's certificate got through");
            Assert.Contains("RemoteCertificateValidationCallback", refusals.First, StringComparison.Ordinal);
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => connect);
        }
        finally
        {
            await silo.StopAsync(timeout.Token);
        }
    }

    [Fact]
    public void Tls_on_without_its_certificate_file_stops_the_silo_at_start_naming_the_file()
    {
        var missing = Path.Combine(_folder, "absent", "tls.pfx");
        // The names the Helm chart sets, as environment variables (prefixed here, so no other test sees them).
        var prefix = $"SAMMPA_TLS_TEST_{Guid.NewGuid():N}_";
        Environment.SetEnvironmentVariable($"{prefix}Orleans__Tls__Enabled", "true");
        Environment.SetEnvironmentVariable($"{prefix}Orleans__Tls__CertificatePath", missing);
        try
        {
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables(prefix).Build();
            var ports = FreePorts.Take(2);
            var failure = Assert.Throws<InvalidOperationException>(() =>
            {
                var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
                builder.UseOrleans(silo => silo
                    .UseLocalhostClustering(ports[0], ports[1], new IPEndPoint(IPAddress.Loopback, ports[0]), _clusterId, _clusterId)
                    .UseSamMpaTls(TlsSettings.From(configuration)));
                using var host = builder.Build();
            });

            Assert.Contains(missing, failure.Message, StringComparison.Ordinal);
            Assert.Contains("Orleans:Tls:CertificatePath", failure.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable($"{prefix}Orleans__Tls__Enabled", null);
            Environment.SetEnvironmentVariable($"{prefix}Orleans__Tls__CertificatePath", null);
        }
    }

    [Fact]
    public void Tls_on_without_a_trusted_CA_or_allowed_names_stops_the_silo_at_start_naming_both_settings()
    {
        // A good certificate, but nothing that says whose certificates to accept: any a public CA signed would pass.
        var tls = new TlsSettings { Enabled = true, CertificatePath = _cluster.IssuePfx("sammpa-silo") };
        var ports = FreePorts.Take(2);

        var failure = Assert.Throws<InvalidOperationException>(() =>
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
            builder.UseOrleans(silo => silo
                .UseLocalhostClustering(ports[0], ports[1], new IPEndPoint(IPAddress.Loopback, ports[0]), _clusterId, _clusterId)
                .UseSamMpaTls(tls));
            using var host = builder.Build();
        });

        Assert.Contains("Orleans:Tls:TrustedCaPath", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Orleans:Tls:AllowedNames", failure.Message, StringComparison.Ordinal);
    }

    private static TlsSettings Settings(string pfx, string? password, params string[] allowedNames) => new()
    {
        Enabled = true,
        CertificatePath = pfx,
        CertificatePassword = password,
        AllowedNames = allowedNames,
    };

    private async Task<IHost> StartSiloAsync(
        int siloPort, int gatewayPort, int primaryPort, TlsSettings tls, CancellationToken cancellationToken, ILoggerProvider? logs = null)
    {
        tls.TrustedCaPath ??= _cluster.CaPath;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (logs is not null)
        {
            builder.Logging.AddProvider(logs);
        }

        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, primaryPort), _clusterId, _clusterId)
            .UseSamMpaTls(tls));
        return await StartOrDisposeAsync(builder.Build(), cancellationToken);
    }

    private IHost BuildClient(int[] gatewayPorts, TlsSettings tls)
    {
        tls.TrustedCaPath ??= _cluster.CaPath;
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client => client
            .UseLocalhostClustering(gatewayPorts, _clusterId, _clusterId)
            .UseSamMpaTls(tls));
        return builder.Build();
    }

    private Task<IHost> StartClientAsync(int[] gatewayPorts, TlsSettings tls, CancellationToken cancellationToken) =>
        StartOrDisposeAsync(BuildClient(gatewayPorts, tls), cancellationToken);

    /// <summary>Starts <paramref name="host"/>; one that fails to start is disposed before the failure is thrown.</summary>
    private static async Task<IHost> StartOrDisposeAsync(IHost host, CancellationToken cancellationToken)
    {
        try
        {
            await host.StartAsync(cancellationToken);
            return host;
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    /// <summary>Returns once this silo's view of the membership has two active silos.</summary>
    private static async Task BothActiveAsync(IHost silo, CancellationToken cancellationToken)
    {
        var membership = silo.Services.GetRequiredService<IClusterMembershipService>();
        await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(cancellationToken))
        {
            if (snapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) == 2)
            {
                return;
            }
        }
    }
}

/// <summary>
/// Counts the TLS handshakes a silo turned down (Orleans' server-side TLS middleware logs each as "Authentication
/// failed" with the handshake's exception) and completes <see cref="Reached"/> at the given count.
/// </summary>
internal sealed class HandshakeRefusals(int count) : ILoggerProvider, ILogger
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _seen;
    private string? _first;

    public Task Reached => _reached.Task;

    /// <summary>The first refusal's reason.</summary>
    public string First => _first ?? "";

    public ILogger CreateLogger(string categoryName) =>
        categoryName.EndsWith("TlsServerConnectionMiddleware", StringComparison.Ordinal) ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (exception is not AuthenticationException)
        {
            return;
        }

        Interlocked.CompareExchange(ref _first, exception.Message, null);
        if (Interlocked.Increment(ref _seen) >= count)
        {
            _reached.TrySetResult();
        }
    }

    public void Dispose()
    {
    }
}
