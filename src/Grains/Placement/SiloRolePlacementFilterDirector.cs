using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace SamMpa.Grains.Placement;

/// <summary>
/// Keeps the candidate silos whose own metadata role (<see cref="Constants.RoleMetadataKey"/>) serves the grain's
/// required role. Unlike Orleans' built-in metadata filters it looks at the candidates' metadata only, never the caller's.
/// </summary>
internal sealed class SiloRolePlacementFilterDirector(ISiloMetadataCache siloMetadata) : IPlacementFilterDirector
{
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var required = ((SiloRolePlacementFilterStrategy)filterStrategy).RequiredRole;
        var candidates = silos as IReadOnlyCollection<SiloAddress> ?? silos.ToArray();

        // No candidate at all (no silo hosts the grain type): leave that to Orleans' own error.
        if (candidates.Count == 0)
        {
            return candidates;
        }

        var serving = candidates.Where(silo => SiloRoles.Serves(RoleOf(silo), required)).ToArray();
        if (serving.Length == 0)
        {
            throw new SiloRoleUnavailableException(required, target.GrainIdentity.Type.ToString());
        }

        return serving;
    }

    private string? RoleOf(SiloAddress silo) =>
        siloMetadata.GetSiloMetadata(silo).Metadata.GetValueOrDefault(Constants.RoleMetadataKey);
}
