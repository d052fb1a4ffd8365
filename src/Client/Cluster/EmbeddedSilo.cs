using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SamMpa.Grains.Security;
using SamMpa.Hosting;
using SamMpa.Hosting.Security;
using SamMpa.Imaging.Registration;

namespace SamMpa.Client.Cluster;

/// <summary>
/// A one-silo cluster inside the client process (role all, localhost clustering on free ports, no metrics endpoint):
/// what eval and demo run on when no cluster is given. Same grains, same workers as a deployed cluster. Its logs go to
/// <c>logs</c> (the command's progress), Warning and above, Orleans' own only from Error. The process's calls (its
/// in-process client) carry an admin key made at start and known to nothing else; for serve they carry the callers'.
/// </summary>
internal static class EmbeddedSilo
{
    public static async Task<IHost> StartAsync(
        IConfiguration settings,
        IReadOnlyDictionary<string, string?> overrides,
        RegistrationOptions registration,
        ILoggerProvider logs,
        CancellationToken cancellationToken)
    {
        var accessKey = AccessKeySecrets.NewSecret();
        return await StartAsync(settings, overrides, registration, logs, accessKey, keyOnEveryCall: true, cancellationToken);
    }

    /// <summary>
    /// The embedded silo for callers that bring their own keys (serve's HTTP gateway): its in-process client puts no key
    /// on a call by itself, so a call without the caller's key is refused as on a deployed cluster. The admin key it
    /// accepts is returned for the few calls that need it, each of which sets it explicitly.
    /// </summary>
    public static async Task<(IHost Host, string AdminKey)> StartForCallersAsync(
        IConfiguration settings,
        IReadOnlyDictionary<string, string?> overrides,
        RegistrationOptions registration,
        ILoggerProvider logs,
        CancellationToken cancellationToken)
    {
        var accessKey = AccessKeySecrets.NewSecret();
        var host = await StartAsync(settings, overrides, registration, logs, accessKey, keyOnEveryCall: false, cancellationToken);
        return (host, accessKey);
    }

    private static async Task<IHost> StartAsync(
        IConfiguration settings,
        IReadOnlyDictionary<string, string?> overrides,
        RegistrationOptions registration,
        ILoggerProvider logs,
        string accessKey,
        bool keyOnEveryCall,
        CancellationToken cancellationToken)
    {
        var (siloPort, gatewayPort) = (FreePort(), FreePort());
        var builder = CommandHost.CreateBuilder(settings, logs, LogLevel.Warning, frameworkMinimum: LogLevel.Error);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(overrides)
        {
            ["Orleans:Metadata:role"] = SiloHosting.DefaultRole,
            // Its ports are on loopback and its only client is this process: the cluster's TLS settings (which may be
            // in the same settings file, for --cluster) are not for it, and a client certificate could not serve it.
            ["Orleans:Tls:Enabled"] = "false",
            // Its one client is this process: an admin key made for it alone, in memory for the silo's life.
            ["Security:AdminKeys:0"] = accessKey,
        });
        var storage = SiloHosting.StorageOf(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort, gatewayPort, new IPEndPoint(IPAddress.Loopback, siloPort), "sammpa-embedded", "sammpa-embedded");
            silo.AddSamMpa(builder.Configuration, storage, registration);
            if (keyOnEveryCall)
            {
                silo.AddOutgoingGrainCallFilter(new AccessKeyOutgoingFilter(accessKey));
            }
        });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        return host;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
