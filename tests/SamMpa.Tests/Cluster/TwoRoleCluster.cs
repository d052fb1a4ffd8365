using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Grains.Placement;
using SamMpa.Hosting;
using SamMpa.Tests.Registration;
using SamMpa.Tests.Security;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The product's silos in one process as the cluster tests run them: Silo_0 of role gpu, Silo_1 of role cpu, each with
/// the settings given for its role (registering with the <see cref="QuickRegistrationMaps"/> unless they name maps), no file logging; deployed, and ready once every silo sees both roles. The client
/// calls with the silos' bootstrap admin key (<see cref="TestAccessKeys"/>).
/// </summary>
internal static class TwoRoleCluster
{
    private static readonly TimeSpan DefaultSettleTimeout = TimeSpan.FromSeconds(60);

    public static string RoleOf(string siloName) => siloName.EndsWith('0') ? SiloRoles.Gpu : SiloRoles.Cpu;

    /// <summary>
    /// Deploys the two silos and waits for their roles (at most <paramref name="settleTimeout"/>, 60 s by default); a
    /// cluster that fails to deploy or settle is disposed before the failure is thrown.
    /// </summary>
    /// <param name="settingsOfRole">The configuration of a silo of the given role; its Orleans:Metadata:role is set here.</param>
    /// <param name="configureClient">The client's streams and storage, as the silos have them.</param>
    /// <param name="configureSilo">Services a test puts in the silos after the product's (a blob store that holds a write, say).</param>
    public static async Task<InProcessTestCluster> DeployAsync(
        Func<string, IReadOnlyDictionary<string, string?>> settingsOfRole, Action<IClientBuilder> configureClient, TimeSpan? settleTimeout = null, Action<ISiloBuilder>? configureSilo = null)
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            var role = RoleOf(options.SiloName);
            var settings = new Dictionary<string, string?>(settingsOfRole(role))
            {
                ["Orleans:Metadata:role"] = role,
                [TestAccessKeys.AdminKeySetting.Key] = TestAccessKeys.AdminKeySetting.Value,
            };
            if (!settings.Keys.Any(key => key.StartsWith("Registration:ParameterFiles:", StringComparison.Ordinal)))
            {
                foreach (var (key, value) in QuickRegistrationMaps.Settings)
                {
                    settings[key] = value;
                }
            }
            silo.AddSamMpa(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
            configureSilo?.Invoke(silo);
        });
        builder.ConfigureClient(client => configureClient(client.WithAdminKey()));
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
            await WaitForRolesAsync(cluster, settleTimeout);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Placement learns roles from membership after start: waits (at most <paramref name="settleTimeout"/>, 60 s by
    /// default) until every silo of <paramref name="cluster"/> sees a gpu and a cpu silo.
    /// </summary>
    public static async Task WaitForRolesAsync(InProcessTestCluster cluster, TimeSpan? settleTimeout = null)
    {
        using var timeout = new CancellationTokenSource(settleTimeout ?? DefaultSettleTimeout);
        while (!cluster.Silos.All(s => s.ServiceProvider.GetRequiredService<IClusterRoles>() is var roles
                                       && roles.IsServed(SiloRoles.Gpu) && roles.IsServed(SiloRoles.Cpu)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }
}
