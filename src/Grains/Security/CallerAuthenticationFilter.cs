using System.Reflection;
using SamMpa.Grains.Datasets;

namespace SamMpa.Grains.Security;

/// <summary>
/// The silo's trust boundary for calls that come from clients. Orleans' own grains (streams' pub-sub, say) and grains
/// of other assemblies pass as they are. Of ours, clients may call only the public interfaces, and only with an access
/// key that resolves to a principal; every other grain of ours (workers, image grains, any added later) is internal
/// and refused to them. The key is taken out of the request context, so it never reaches a grain, a downstream call or
/// a log; the principal is put in instead, overwriting whatever the client put there. Calls between grains carry the
/// principal on and are trusted.
/// </summary>
internal sealed class CallerAuthenticationFilter(AccessKeyCache keys) : IIncomingGrainCallFilter
{
    private static readonly Assembly OurInterfaces = typeof(IDatasetGrain).Assembly;

    /// <summary>What a client may call; a new grain interface is internal until it is added here.</summary>
    private static readonly HashSet<Type> PublicInterfaces = [typeof(IDatasetGrain), typeof(IAccessKeysGrain)];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.SourceId is not { } source || !GrainTypePrefix.IsClient(source))
        {
            await context.Invoke();
            return;
        }

        var secret = RequestContext.Get(CallerContext.AccessKey) as string;
        RequestContext.Remove(CallerContext.AccessKey);
        RequestContext.Remove(CallerContext.Principal);
        RequestContext.Remove(CallerContext.Admin);

        var target = context.Request.GetInterfaceType();
        if (target.Assembly != OurInterfaces)
        {
            await context.Invoke();
            return;
        }

        if (!PublicInterfaces.Contains(target))
        {
            throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName} is internal to the cluster and refused to clients: clients call {nameof(IDatasetGrain)}.",
                target.Name);
        }

        if (string.IsNullOrEmpty(secret))
        {
            throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName} needs an access key, and this call carried none: give the client one (Cluster:AccessKey, SAMMPA_ACCESS_KEY or --access-key).",
                target.Name);
        }

        var principal = await keys.ResolveAsync(secret)
            ?? throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName}: the access key is unknown or revoked; ask an admin for a key (sammpa keys create).",
                target.Name);
        RequestContext.Set(CallerContext.Principal, principal.Name);
        RequestContext.Set(CallerContext.Admin, principal.Admin);
        await context.Invoke();
    }
}
