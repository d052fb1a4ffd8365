using Orleans.Runtime;
using SamMpa.Grains.Security;

namespace SamMpa.Gateway.Security;

/// <summary>
/// The access key a request's grain calls carry, kept as a request feature: the caller's own API key, or, for a bearer
/// token, the gateway's delegate key with the token's principal as <see cref="OnBehalfOf"/>. Every grain call the
/// request makes carries them (<see cref="CallerKeyForwarding"/>), so the silos' own authentication and the dataset's
/// grants decide, never the gateway's process.
/// </summary>
internal sealed record CallerKey(string Secret, string? OnBehalfOf = null)
{
    /// <summary>Runs <paramref name="call"/> with <paramref name="secret"/> as the access key of the grain calls it makes.</summary>
    public static async Task<T> CallAsync<T>(string secret, Func<Task<T>> call)
    {
        RequestContext.Set(CallerContext.AccessKey, secret);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(CallerContext.AccessKey);
        }
    }

    /// <summary>Puts the key (and the principal it calls for) in the Orleans request context; <see cref="Leave"/> takes them out.</summary>
    public void Enter()
    {
        RequestContext.Set(CallerContext.AccessKey, Secret);
        if (OnBehalfOf is not null)
        {
            RequestContext.Set(CallerContext.OnBehalfOf, OnBehalfOf);
        }
    }

    public static void Leave()
    {
        RequestContext.Remove(CallerContext.AccessKey);
        RequestContext.Remove(CallerContext.OnBehalfOf);
    }

    public override string ToString() => $"CallerKey {{ Secret = ***, OnBehalfOf = {OnBehalfOf} }}";
}
