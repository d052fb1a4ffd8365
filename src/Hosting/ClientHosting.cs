using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using SamMpa.Grains;
using SamMpa.Hosting.Security;

namespace SamMpa.Hosting;

/// <summary>
/// An Orleans client for the cluster that configuration names: Azure Table clustering, or a silo on localhost. Its
/// calls carry the access key of <see cref="AccessKeySettings"/>, else (local storage) a development silo's admin key.
/// </summary>
public static class ClientHosting
{
    /// <param name="builder">The host.</param>
    /// <param name="callerKeysOnly">
    /// True for a client that serves many callers (the HTTP gateway): it has no key of its own, so a call carries the
    /// key its caller put in the request context or none, and is then refused by the silo, never let through as the process.
    /// </param>
    public static IHostApplicationBuilder AddSamMpaClient(this IHostApplicationBuilder builder, bool callerKeysOnly = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var cluster = builder.Configuration.GetSection(ClusterSettings.Section).Get<ClusterSettings>() ?? new ClusterSettings();
        var storage = SiloHosting.StorageOf(builder.Configuration);
        builder.UseOrleansClient(client =>
        {
            if (storage.IsAzure)
            {
                client.UseSamMpaAzureProviders(storage.Azure);
            }
            else
            {
                client.UseLocalhostClustering(cluster.GatewayPort, cluster.ServiceId, cluster.ClusterId);
                client.AddMemoryStreams(Constants.StreamProviderName);
            }

            client.UseConnectionRetryFilter(new BoundedConnectionRetry(TimeSpan.FromSeconds(15)));
            client.UseSamMpaTls(TlsSettings.From(builder.Configuration));
            // No key of its own: a client of a development silo on this machine uses the silo's admin key file.
            var accessKey = callerKeysOnly
                ? null
                : AccessKeySettings.From(builder.Configuration) ?? (storage.IsAzure ? null : DevelopmentAdminKey.Read(storage.ResolvedLocalRoot));
            if (accessKey is not null)
            {
                client.AddOutgoingGrainCallFilter(new AccessKeyOutgoingFilter(accessKey));
            }

            client.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = cluster.ClusterId;
                o.ServiceId = cluster.ServiceId;
            });
            // A cancelled call returns when the grain has stopped, not before (cancel means nothing runs after it).
            client.Configure<ClientMessagingOptions>(o => o.WaitForCancellationAcknowledgement = true);
        });
        return builder;
    }
}
