using Orleans.Concurrency;
using Orleans.Runtime.MembershipService.SiloMetadata;
using SamMpa.Grains;
using SamMpa.Grains.Placement;

namespace SamMpa.Tests.Cluster;

/// <summary>Where a call ran: the silo and that silo's metadata role.</summary>
[GenerateSerializer]
[Alias("sammpa.tests.Landing")]
public sealed record Landing([property: Id(0)] SiloAddress Silo, [property: Id(1)] string? Role);

[Alias("sammpa.tests.IGpuProbeWorker")]
public interface IGpuProbeWorker : IGrainWithIntegerKey
{
    [Alias("Where")]
    Task<Landing> WhereAsync();

    /// <summary>Calls the cpu worker <paramref name="calls"/> times (one key each) from this gpu silo.</summary>
    [Alias("CallCpuWorker")]
    Task<Landing[]> CallCpuWorkerAsync(int calls);
}

[Alias("sammpa.tests.ICpuProbeWorker")]
public interface ICpuProbeWorker : IGrainWithIntegerKey
{
    [Alias("Where")]
    Task<Landing> WhereAsync();
}

[Alias("sammpa.tests.ICpuProbeGrain")]
public interface ICpuProbeGrain : IGrainWithStringKey
{
    [Alias("Where")]
    Task<Landing> WhereAsync();

    /// <summary>Calls the gpu worker <paramref name="calls"/> times (one key each) from this cpu silo.</summary>
    [Alias("CallGpuWorker")]
    Task<Landing[]> CallGpuWorkerAsync(int calls);

    /// <summary>Calls the gpu worker once and returns what the call threw (type and message), or null.</summary>
    [Alias("TryGpuWorker")]
    Task<string?> TryGpuWorkerAsync();
}

internal static class Probe
{
    public static Landing Here(ILocalSiloDetails local, ISiloMetadataCache metadata) =>
        new(local.SiloAddress, metadata.GetSiloMetadata(local.SiloAddress).Metadata.GetValueOrDefault(Constants.RoleMetadataKey));

    public static async Task<Landing[]> CallEach(int calls, Func<int, Task<Landing>> call)
    {
        var landings = new Landing[calls];
        for (var i = 0; i < calls; i++)
        {
            landings[i] = await call(i);
        }

        return landings;
    }
}

[StatelessWorker]
[GpuPlacement]
public sealed class GpuProbeWorker(ILocalSiloDetails local, ISiloMetadataCache metadata, IGrainFactory grains) : Grain, IGpuProbeWorker
{
    public Task<Landing> WhereAsync() => Task.FromResult(Probe.Here(local, metadata));

    public Task<Landing[]> CallCpuWorkerAsync(int calls) =>
        Probe.CallEach(calls, i => grains.GetGrain<ICpuProbeWorker>(1000 + i).WhereAsync());
}

[StatelessWorker]
[CpuPlacement]
public sealed class CpuProbeWorker(ILocalSiloDetails local, ISiloMetadataCache metadata) : Grain, ICpuProbeWorker
{
    public Task<Landing> WhereAsync() => Task.FromResult(Probe.Here(local, metadata));
}

[CpuPlacement]
public sealed class CpuProbeGrain(ILocalSiloDetails local, ISiloMetadataCache metadata, IGrainFactory grains) : Grain, ICpuProbeGrain
{
    public Task<Landing> WhereAsync() => Task.FromResult(Probe.Here(local, metadata));

    public Task<Landing[]> CallGpuWorkerAsync(int calls) =>
        Probe.CallEach(calls, i => grains.GetGrain<IGpuProbeWorker>(2000 + i).WhereAsync());

    public async Task<string?> TryGpuWorkerAsync()
    {
        try
        {
            await grains.GetGrain<IGpuProbeWorker>(3000).WhereAsync();
            return null;
        }
        catch (Exception exception)
        {
            return $"{exception.GetType().FullName}: {exception.Message}";
        }
    }
}
