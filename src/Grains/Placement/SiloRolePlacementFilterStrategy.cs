using Orleans.Metadata;
using Orleans.Placement;

namespace SamMpa.Grains.Placement;

/// <summary>
/// Placement filter: only silos whose metadata role serves <see cref="RequiredRole"/> (<see cref="SiloRoles.Serves"/>)
/// may host the grain. The role travels in the grain type's properties, so every silo and client resolves the same
/// filter from the cluster manifest.
/// </summary>
public sealed class SiloRolePlacementFilterStrategy : PlacementFilterStrategy
{
    /// <summary>Grain property (under this filter's prefix) that holds the required role.</summary>
    internal const string RoleProperty = "role";

    /// <summary>Used by the runtime, which resolves the strategy from the container and then initializes it from grain properties.</summary>
    public SiloRolePlacementFilterStrategy()
        : base(0)
    {
        RequiredRole = string.Empty;
    }

    public SiloRolePlacementFilterStrategy(string requiredRole, int order)
        : base(order)
    {
        RequiredRole = Validate(requiredRole);
    }

    /// <summary>gpu or cpu.</summary>
    public string RequiredRole { get; private set; }

    public override void AdditionalInitialize(GrainProperties properties)
    {
        var role = GetPlacementFilterGrainProperty(RoleProperty, properties)
            ?? throw new InvalidOperationException(
                $"Grain properties carry {nameof(SiloRolePlacementFilterStrategy)} without a '{RoleProperty}' property.");
        RequiredRole = Validate(role);
    }

    protected override IEnumerable<KeyValuePair<string, string>> GetAdditionalGrainProperties(
        IServiceProvider services, Type grainClass, GrainType grainType, IReadOnlyDictionary<string, string> existingProperties)
    {
        yield return new KeyValuePair<string, string>(RoleProperty, RequiredRole);
    }

    private static string Validate(string role) =>
        role is SiloRoles.Gpu or SiloRoles.Cpu
            ? role
            : throw new ArgumentException($"A grain requires role {SiloRoles.Gpu} or {SiloRoles.Cpu}, not '{role}'.", nameof(role));
}
