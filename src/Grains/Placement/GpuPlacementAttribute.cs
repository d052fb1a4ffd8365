using Orleans.Placement;

namespace SamMpa.Grains.Placement;

/// <summary>The grain runs only on silos of role gpu or all (embedding, SAM). Needs <see cref="PlacementExtensions.AddSiloRolePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class GpuPlacementAttribute(int order = 0)
    : PlacementFilterAttribute(new SiloRolePlacementFilterStrategy(SiloRoles.Gpu, order));
