namespace SamMpa.Grains;

/// <summary>
/// What a silo runs, from its metadata (<c>Orleans:Metadata:role</c>): gpu silos embed and run SAM, cpu silos register
/// and select, an "all" silo does both (development, the embedded silo).
/// </summary>
public static class SiloRoles
{
    public const string Gpu = "gpu";
    public const string Cpu = "cpu";
    public const string All = "all";

    public static IReadOnlyList<string> Known { get; } = [Gpu, Cpu, All];

    public static bool IsKnown(string? role) => role is Gpu or Cpu or All;

    /// <summary>Whether a silo of role <paramref name="siloRole"/> runs work that needs <paramref name="required"/> (gpu or cpu).</summary>
    public static bool Serves(string? siloRole, string required) => siloRole == All || siloRole == required;
}
