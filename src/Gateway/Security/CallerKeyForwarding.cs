namespace SamMpa.Gateway.Security;

/// <summary>
/// Puts the request's <see cref="CallerKey"/> in the Orleans request context for the rest of the pipeline: set here,
/// in the middleware that awaits the endpoint, it flows to every grain call the endpoint makes (what an async method
/// sets is gone when it returns, so it cannot be set in a filter that returns first). Taken out again afterwards.
/// </summary>
internal static class CallerKeyForwarding
{
    public static IApplicationBuilder UseCallerKeyForwarding(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (context.Features.Get<CallerKey>() is not { } key)
        {
            await next(context);
            return;
        }

        key.Enter();
        try
        {
            await next(context);
        }
        finally
        {
            CallerKey.Leave();
        }
    });
}
