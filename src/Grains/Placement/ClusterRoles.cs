using Orleans.Runtime.MembershipService.SiloMetadata;

namespace SamMpa.Grains.Placement;

/// <summary>Which roles the active silos of the cluster serve, so a grain can say "waiting for a gpu silo" before it calls a worker.</summary>
public interface IClusterRoles
{
    /// <summary>Whether an active silo serves <paramref name="requiredRole"/> (gpu or cpu): a silo of that role or an "all" silo.</summary>
    bool IsServed(string requiredRole);

    /// <summary>The distinct roles of the active silos, sorted; silos whose metadata is not known yet are left out.</summary>
    IReadOnlyList<string> ActiveRoles();

    /// <summary>
    /// Registrations the active cpu (and all) silos run at once, summed from their metadata: the admission bound of
    /// a run. At least 1 while any silo serves cpu.
    /// </summary>
    int RegistrationSlots();
}

/// <summary>
/// Answers from the current membership snapshot and the silo metadata cache, the same sources placement uses; a silo that
/// has just joined counts once its metadata has reached this silo's cache.
/// </summary>
internal sealed class ClusterRoles(IClusterMembershipService membership, ISiloMetadataCache siloMetadata) : IClusterRoles
{
    public bool IsServed(string requiredRole) => ActiveSiloRoles().Any(role => SiloRoles.Serves(role, requiredRole));

    public IReadOnlyList<string> ActiveRoles() =>
        ActiveSiloRoles().OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();

    public int RegistrationSlots()
    {
        var slots = 0;
        foreach (var metadata in ActiveSiloMetadata())
        {
            if (SiloRoles.Serves(metadata.GetValueOrDefault(Constants.RoleMetadataKey), SiloRoles.Cpu))
            {
                slots += int.TryParse(metadata.GetValueOrDefault(Constants.RegistrationSlotsMetadataKey), out var offered) && offered > 0 ? offered : 1;
            }
        }

        return slots;
    }

    private IEnumerable<string?> ActiveSiloRoles() => ActiveSiloMetadata().Select(metadata => metadata.GetValueOrDefault(Constants.RoleMetadataKey));

    private IEnumerable<IReadOnlyDictionary<string, string>> ActiveSiloMetadata() =>
        membership.CurrentSnapshot.Members.Values
            .Where(member => member.Status == SiloStatus.Active)
            .Select(member => (IReadOnlyDictionary<string, string>)siloMetadata.GetSiloMetadata(member.SiloAddress).Metadata);
}
