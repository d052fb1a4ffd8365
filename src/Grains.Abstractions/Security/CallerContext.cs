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

    /// <summary>
    /// The principal a front door calls for, beside its own delegate key (the HTTP gateway for a bearer token's
    /// user): the call then enters the grains as that principal, never as an admin. Taken out like the key.
    /// </summary>
    public const string OnBehalfOf = "sammpa.on-behalf-of";

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
