using System.Reflection;
using SamMpa.Grains.Datasets;

namespace SamMpa.Grains.Security;

/// <summary>
/// The silo's trust boundary for calls that come from clients. A client's call to Orleans' stream pub-sub needs a key,
/// and for a dataset's completion stream the viewer role on it; Orleans' other grains and grains of other assemblies
/// pass as they are. Of ours, clients may call only the public interfaces, and only with an access
/// key that resolves to a principal; every other grain of ours (workers, image grains, any added later) is internal
/// and refused to them. The key is taken out of the request context, so it never reaches a grain, a downstream call or
/// a log; the principal is put in instead, overwriting whatever the client put there. Calls between grains carry the
/// principal on and are trusted. A delegate key (a front door's, e.g. the HTTP gateway's) with an on-behalf-of name
/// enters as that principal, never an admin; any other key with one is refused.
/// </summary>
internal sealed class CallerAuthenticationFilter(AccessKeyCache keys, IGrainFactory grains) : IIncomingGrainCallFilter
{
    /// <summary>Orleans' stream pub-sub grain, through which a client subscribes to a stream.</summary>
    private const string StreamPubSubInterface = "Orleans.Streams.IPubSubRendezvousGrain";

    private static readonly Assembly OurInterfaces = typeof(IDatasetGrain).Assembly;

    /// <summary>What a client may call; a new grain interface is internal until it is added here.</summary>
    private static readonly HashSet<Type> PublicInterfaces =
    [
        typeof(IDatasetGrain), typeof(IAccessKeysGrain), typeof(Events.IDatasetEventLog),
        typeof(Webhooks.IDatasetWebhooksGrain), typeof(Webhooks.IOwnerWebhooksGrain),
    ];

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.SourceId is not { } source || !GrainTypePrefix.IsClient(source))
        {
            await context.Invoke();
            return;
        }

        var secret = RequestContext.Get(CallerContext.AccessKey) as string;
        var onBehalfOf = RequestContext.Get(CallerContext.OnBehalfOf);
        RequestContext.Remove(CallerContext.AccessKey);
        RequestContext.Remove(CallerContext.OnBehalfOf);
        RequestContext.Remove(CallerContext.Principal);
        RequestContext.Remove(CallerContext.Admin);

        var target = context.Request.GetInterfaceType();
        if (target.FullName == StreamPubSubInterface)
        {
            // A subscription to a dataset's completion stream: a key, and the viewer role on that dataset.
            Enter(await AuthenticateAsync(context, target, secret, onBehalfOf));
            // The stream is one of the call's arguments (where depends on the method: RegisterConsumer has it second).
            for (var i = 0; i < context.Request.GetArgumentCount(); i++)
            {
                if (context.Request.GetArgument(i) is QualifiedStreamId stream && stream.StreamId.GetNamespace() == Constants.CompletionStreamNamespace)
                {
                    await grains.GetGrain<IDatasetGrain>(stream.StreamId.GetKeyAsString()).RequireViewerAsync();
                }
            }

            await context.Invoke();
            return;
        }

        if (target.Assembly != OurInterfaces)
        {
            // Not ours to refuse; but whatever such a grain calls on from here is no silo's own work, and is refused
            // what a principal without roles is refused.
            Enter(new CallerPrincipal(PrincipalNames.AnonymousClient, Admin: false));
            await context.Invoke();
            return;
        }

        if (!PublicInterfaces.Contains(target))
        {
            throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName} is internal to the cluster and refused to clients: clients call {nameof(IDatasetGrain)}.",
                target.Name);
        }

        Enter(await AuthenticateAsync(context, target, secret, onBehalfOf));
        await context.Invoke();
    }

    /// <summary>
    /// Puts the principal in the request context. Here, not in <see cref="AuthenticateAsync"/>: what an async method sets
    /// in the request context is gone when it returns.
    /// </summary>
    private static void Enter(CallerPrincipal principal)
    {
        RequestContext.Set(CallerContext.Principal, principal.Name);
        RequestContext.Set(CallerContext.Admin, principal.Admin);
    }

    /// <summary>
    /// The principal the call enters as: its key's, or, for a delegate key with <paramref name="onBehalfOf"/>, that
    /// principal without admin rights. No key, an unknown or revoked one, or an on-behalf-of name with a key that is no
    /// delegate's, is refused.
    /// </summary>
    private async Task<CallerPrincipal> AuthenticateAsync(IIncomingGrainCallContext context, Type target, string? secret, object? onBehalfOf)
    {
        var key = await AuthenticateKeyAsync(context, target, secret);
        if (onBehalfOf is null)
        {
            return new CallerPrincipal(key.Name, key.Admin);
        }

        if (!key.Delegate)
        {
            throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName}: the key of principal '{key.Name}' is no delegate key, and may not call on behalf of another principal (an admin makes one with sammpa keys create --delegate).",
                target.Name);
        }

        if (onBehalfOf is not string name)
        {
            throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName}: the on-behalf-of entry of the key of '{key.Name}' is a {onBehalfOf.GetType().Name}, not a principal's name.",
                target.Name);
        }

        try
        {
            PrincipalNames.RequireDelegable(name, $"{target.Name}.{context.MethodName} on behalf of another principal (key of '{key.Name}')");
        }
        catch (ArgumentException invalid)
        {
            throw new AccessDeniedException(invalid.Message, target.Name);
        }

        // Never an admin, whatever the name: the delegate key's holder vouches for who, not for what.
        return new CallerPrincipal(name, Admin: false);
    }

    /// <summary>The principal of the call's key; no key, or an unknown or revoked one, is refused.</summary>
    private async Task<CallerPrincipal> AuthenticateKeyAsync(IIncomingGrainCallContext context, Type target, string? secret)
    {
        if (string.IsNullOrEmpty(secret))
        {
            throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName} needs an access key, and this call carried none: give the client one (Orleans:AccessKey or SAMMPA_ACCESS_KEY).",
                target.Name);
        }

        return await keys.ResolveAsync(secret)
            ?? throw new AccessDeniedException(
                $"{target.Name}.{context.MethodName}: the access key is unknown or revoked; ask an admin for a key (sammpa keys create).",
                target.Name);
    }
}
