using Microsoft.Extensions.DependencyInjection;
using Orleans.Hosting;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Grains.Placement;

namespace SamMpa.Tests.Cluster;

/// <summary>An in-process cluster whose silos get their role from <paramref name="roleOf"/> (by silo name).</summary>
public abstract class RoleClusterFixture(short silos, Func<string, string> roleOf) : IAsyncLifetime
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IReadOnlyList<string> ExpectedRoles { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            silo.UseSiloMetadata(new Dictionary<string, string> { [Constants.RoleMetadataKey] = roleOf(options.SiloName) });
            silo.AddSiloRolePlacement();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        ExpectedRoles = Cluster.Silos.Select(silo => RoleOf(silo.SiloAddress)).Distinct().Order(StringComparer.Ordinal).ToArray();

        // Placement reads roles from each silo's metadata cache, which fills from membership updates after the silos
        // are up: wait (bounded) until every silo knows every silo's role.
        using var timeout = new CancellationTokenSource(SettleTimeout);
        while (!Cluster.Silos.All(silo => Roles(silo).ActiveRoles().SequenceEqual(ExpectedRoles)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();

    public static IClusterRoles Roles(InProcessSiloHandle silo) => silo.ServiceProvider.GetRequiredService<IClusterRoles>();

    /// <summary>The role the silo was configured with (its own metadata options, not the cache).</summary>
    public string RoleOf(SiloAddress address)
    {
        var silo = Cluster.Silos.Single(s => s.SiloAddress.Equals(address));
        return silo.ServiceProvider.GetRequiredService<ISiloMetadataCache>().GetSiloMetadata(address).Metadata[Constants.RoleMetadataKey];
    }
}

/// <summary>Silo_0 is gpu, Silo_1 is cpu.</summary>
public sealed class GpuAndCpuCluster() : RoleClusterFixture(2, name => name.EndsWith('0') ? SiloRoles.Gpu : SiloRoles.Cpu);

/// <summary>A single cpu silo: nothing serves gpu.</summary>
public sealed class CpuOnlyCluster() : RoleClusterFixture(1, _ => SiloRoles.Cpu);

public sealed class RolePlacementTests(GpuAndCpuCluster fixture) : IClassFixture<GpuAndCpuCluster>
{
    private const int Calls = 20;

    private IClusterClient Client => fixture.Cluster.Client;

    [Fact]
    public void The_cluster_has_one_gpu_and_one_cpu_silo() =>
        Assert.Equal([SiloRoles.Cpu, SiloRoles.Gpu], fixture.ExpectedRoles);

    [Fact]
    public async Task Gpu_stateless_workers_called_from_the_client_run_on_the_gpu_silo()
    {
        var landings = await Probe.CallEach(Calls, i => Client.GetGrain<IGpuProbeWorker>(i).WhereAsync());

        AssertAllOn(SiloRoles.Gpu, landings);
    }

    [Fact]
    public async Task Cpu_stateless_workers_called_from_the_client_run_on_the_cpu_silo()
    {
        var landings = await Probe.CallEach(Calls, i => Client.GetGrain<ICpuProbeWorker>(i).WhereAsync());

        AssertAllOn(SiloRoles.Cpu, landings);
    }

    [Fact]
    public async Task Repeated_calls_to_one_stateless_worker_stay_on_its_role()
    {
        var gpu = await Probe.CallEach(Calls, _ => Client.GetGrain<IGpuProbeWorker>(500).WhereAsync());
        var cpu = await Probe.CallEach(Calls, _ => Client.GetGrain<ICpuProbeWorker>(500).WhereAsync());

        AssertAllOn(SiloRoles.Gpu, gpu);
        AssertAllOn(SiloRoles.Cpu, cpu);
    }

    [Fact]
    public async Task A_cpu_grain_runs_on_the_cpu_silo()
    {
        var landings = await Probe.CallEach(Calls, i => Client.GetGrain<ICpuProbeGrain>($"where-{i}").WhereAsync());

        AssertAllOn(SiloRoles.Cpu, landings);
    }

    [Fact]
    public async Task A_grain_on_the_cpu_silo_reaches_gpu_workers_on_the_gpu_silo()
    {
        var caller = Client.GetGrain<ICpuProbeGrain>("caller");
        AssertAllOn(SiloRoles.Cpu, [await caller.WhereAsync()]);

        // The stateless worker director would place locally if the local (cpu) silo were compatible.
        AssertAllOn(SiloRoles.Gpu, await caller.CallGpuWorkerAsync(Calls));
    }

    [Fact]
    public async Task A_worker_on_the_gpu_silo_reaches_cpu_workers_on_the_cpu_silo()
    {
        var caller = Client.GetGrain<IGpuProbeWorker>(900);
        AssertAllOn(SiloRoles.Gpu, [await caller.WhereAsync()]);

        AssertAllOn(SiloRoles.Cpu, await caller.CallCpuWorkerAsync(Calls));
    }

    [Fact]
    public void Cluster_roles_report_both_roles_on_every_silo()
    {
        foreach (var silo in fixture.Cluster.Silos)
        {
            var roles = RoleClusterFixture.Roles(silo);
            Assert.Equal([SiloRoles.Cpu, SiloRoles.Gpu], roles.ActiveRoles());
            Assert.True(roles.IsServed(SiloRoles.Gpu));
            Assert.True(roles.IsServed(SiloRoles.Cpu));
        }
    }

    private void AssertAllOn(string role, IReadOnlyList<Landing> landings)
    {
        Assert.NotEmpty(landings);
        Assert.All(landings, landing =>
        {
            Assert.Equal(role, landing.Role);
            Assert.Equal(role, fixture.RoleOf(landing.Silo));
        });
    }
}

public sealed class RolePlacementMissingRoleTests(CpuOnlyCluster fixture) : IClassFixture<CpuOnlyCluster>
{
    private const string ExpectedMessage =
        "No silo with role gpu (or all) is in the cluster: embedding and SAM need one; start a silo with Orleans:Metadata:role=gpu";

    [Fact]
    public void Cluster_roles_say_gpu_is_not_served()
    {
        var roles = RoleClusterFixture.Roles(fixture.Cluster.Silos.Single());

        Assert.Equal([SiloRoles.Cpu], roles.ActiveRoles());
        Assert.False(roles.IsServed(SiloRoles.Gpu));
        Assert.True(roles.IsServed(SiloRoles.Cpu));
    }

    [Fact]
    public async Task A_client_calling_a_gpu_worker_gets_the_missing_role_error()
    {
        // Not wrapped, not replaced by Orleans' "No active nodes are compatible..." OrleansException, and not retried
        // by the placement retry policy (which retries OrleansExceptions only).
        var error = await Assert.ThrowsAsync<SiloRoleUnavailableException>(() => fixture.Cluster.Client.GetGrain<IGpuProbeWorker>(1).WhereAsync());

        Assert.Equal($"{ExpectedMessage} (placing gpuprobeworker)", error.Message);
        Assert.Equal(SiloRoles.Gpu, error.Role);
        Assert.Equal("gpuprobeworker", error.GrainType);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task A_grain_calling_a_gpu_worker_gets_the_missing_role_error()
    {
        var seen = await fixture.Cluster.Client.GetGrain<ICpuProbeGrain>("caller").TryGpuWorkerAsync();

        Assert.Equal($"{typeof(SiloRoleUnavailableException).FullName}: {ExpectedMessage} (placing gpuprobeworker)", seen);
    }

    [Fact]
    public async Task Cpu_workers_still_run()
    {
        var landing = await fixture.Cluster.Client.GetGrain<ICpuProbeWorker>(1).WhereAsync();

        Assert.Equal(SiloRoles.Cpu, landing.Role);
    }
}
