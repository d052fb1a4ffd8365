using SamMpa.Grains.Security;

namespace SamMpa.Hosting.Security;

/// <summary>
/// Puts the client's access key on every call it makes (calls of a client, or of a silo's in-process client; a
/// grain's own calls carry the principal instead). A key already in the request context (set for one call) wins.
/// </summary>
public sealed class AccessKeyOutgoingFilter(string secret) : IOutgoingGrainCallFilter
{
    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var fromClient = context.SourceId is not { } source || GrainTypePrefix.IsClient(source);
        if (!fromClient || RequestContext.Get(CallerContext.AccessKey) is not null)
        {
            await context.Invoke();
            return;
        }

        RequestContext.Set(CallerContext.AccessKey, secret);
        try
        {
            await context.Invoke();
        }
        finally
        {
            // Not left in the caller's context, where a later call or a log could pick it up.
            RequestContext.Remove(CallerContext.AccessKey);
        }
    }
}
