using Orleans.Runtime;

namespace SamMpa.Grains.Security;

/// <summary>
/// The request-context entries of the trust boundary. A client puts its access key under <see cref="AccessKey"/>; the
/// silo takes it out at the first grain, and puts the authenticated principal under <see cref="Principal"/> and
/// <see cref="Admin"/>, overwriting whatever a client put there. Grain-to-grain calls carry the principal on.
/// </summary>
public static class CallerContext
{
    public const string AccessKey = "sammpa.access-key";

    public const string Principal = "sammpa.principal";

    public const string Admin = "sammpa.admin";

    /// <summary>
    /// The principal of the call being served, or null for a call that no client started (a reminder, the job of a
    /// dataset resumed on activation): the silo's own work.
    /// </summary>
    public static CallerPrincipal? Current =>
        RequestContext.Get(Principal) is string name
            ? new CallerPrincipal(name, RequestContext.Get(Admin) is true)
            : null;
}
