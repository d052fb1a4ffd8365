namespace SamMpa.Grains;

/// <summary>
/// No active silo serves <see cref="Role"/> (a silo of that role or an "all" silo), so a grain that needs it cannot be
/// placed. Thrown by the silo-role placement filter; it reaches the caller of the grain method unchanged.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.SiloRoleUnavailableException")]
public sealed class SiloRoleUnavailableException : Exception
{
    public SiloRoleUnavailableException(string role)
        : base(Describe(role))
    {
        Role = role;
    }

    public SiloRoleUnavailableException(string role, string grainType)
        : base($"{Describe(role)} (placing {grainType})")
    {
        Role = role;
        GrainType = grainType;
    }

    /// <summary>The role that no silo serves: gpu or cpu.</summary>
    [Id(0)]
    public string Role { get; }

    /// <summary>The grain type that could not be placed, when known.</summary>
    [Id(1)]
    public string? GrainType { get; }

    private static string Describe(string role) =>
        $"No silo with role {role} (or {SiloRoles.All}) is in the cluster: {WorkOf(role)} need one; "
        + $"start a silo with Orleans:Metadata:{Constants.RoleMetadataKey}={role}";

    private static string WorkOf(string role) => role switch
    {
        SiloRoles.Gpu => "embedding and SAM",
        SiloRoles.Cpu => "registration and selection",
        _ => $"grains placed on {role} silos",
    };
}
