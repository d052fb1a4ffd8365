using Orleans.Runtime;
using SamMpa.Grains.Security;

namespace SamMpa.Gateway.Security;

/// <summary>
/// The access key a request was authenticated with, kept as a request feature. Every grain call the request makes
/// carries it (<see cref="CallerKeyForwarding"/>), so the silos' own authentication and the dataset's grants decide,
/// never the gateway's process.
/// </summary>
internal sealed record CallerKey(string Secret)
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

    public override string ToString() => "CallerKey { Secret = *** }";
}
