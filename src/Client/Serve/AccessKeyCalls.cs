using Orleans.Runtime;
using SamMpa.Grains.Security;

namespace SamMpa.Client.Serve;

/// <summary>
/// Grain calls made with one given access key (the serve process's client puts none on a call by itself): the key is
/// in the request context for the calls <c>call</c> makes, and gone from it afterwards.
/// </summary>
internal static class AccessKeyCalls
{
    public static async Task<T> WithKeyAsync<T>(string secret, Func<Task<T>> call)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(call);
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

    public static Task WithKeyAsync(string secret, Func<Task> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return WithKeyAsync(secret, async () =>
        {
            await call();
            return true;
        });
    }
}
