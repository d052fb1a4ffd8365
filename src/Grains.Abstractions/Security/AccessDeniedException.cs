namespace SamMpa.Grains.Security;

/// <summary>
/// The caller may not make this call: no access key, an unknown or revoked one, a grain that is internal to the
/// cluster, or a dataset role too low for the operation. Thrown by the silo; it reaches the caller unchanged.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.AccessDeniedException")]
public sealed class AccessDeniedException : Exception
{
    public AccessDeniedException(string message)
        : base(message)
    {
    }

    public AccessDeniedException(string message, string target)
        : base(message)
    {
        Target = target;
    }

    /// <summary>What was refused: a grain interface, or a dataset id.</summary>
    [Id(0)]
    public string? Target { get; }
}
