using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Placement;

namespace SamMpa.Grains.Placement;

public static class PlacementExtensions
{
    /// <summary>
    /// Registers the silo-role placement filter behind <see cref="GpuPlacementAttribute"/> and <see cref="CpuPlacementAttribute"/>,
    /// and <see cref="IClusterRoles"/>. The silo must also call <c>UseSiloMetadata</c> (its role under
    /// <c>Orleans:Metadata:role</c>): the filter reads the role of every silo from the silo metadata cache.
    /// </summary>
    public static ISiloBuilder AddSiloRolePlacement(this ISiloBuilder silo)
    {
        // Transient: the runtime initializes one strategy instance per grain type from that type's properties.
        silo.Services.AddPlacementFilter<SiloRolePlacementFilterStrategy, SiloRolePlacementFilterDirector>(ServiceLifetime.Transient);
        silo.Services.TryAddSingleton<IClusterRoles, ClusterRoles>();
        return silo;
    }
}
