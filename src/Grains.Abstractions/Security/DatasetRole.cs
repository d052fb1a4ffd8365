namespace SamMpa.Grains.Security;

/// <summary>
/// What a principal may do to one dataset; each role includes the ones before it. Admin keys may do everything to
/// every dataset.
/// </summary>
public enum DatasetRole
{
    None = 0,

    /// <summary>Reads the status (and, through the product, the results).</summary>
    Viewer = 1,

    /// <summary>A viewer that may also accept the supports' annotations.</summary>
    Annotator = 2,

    /// <summary>Everything: select, run, cancel, grant and revoke.</summary>
    Owner = 3,
}
