using Orleans.Placement;

namespace SamMpa.Grains.Placement;

/// <summary>The grain runs only on silos of role cpu or all (registration, selection). Needs <see cref="PlacementExtensions.AddSiloRolePlacement"/>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CpuPlacementAttribute(int order = 0)
    : PlacementFilterAttribute(new SiloRolePlacementFilterStrategy(SiloRoles.Cpu, order));
