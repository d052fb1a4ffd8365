using Microsoft.AspNetCore.Mvc;

namespace SamMpa.Gateway.Errors;

/// <summary>Errors as RFC 9457 problem details (<c>application/problem+json</c>), whatever raised them.</summary>
internal static class GatewayProblems
{
    public static IServiceCollection AddGatewayProblems(this IServiceCollection services)
    {
        services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
            context.ProblemDetails.Instance ??= context.HttpContext.Request.Path);
        services.AddExceptionHandler<GatewayExceptionHandler>();
        return services;
    }

    /// <summary>Writes a problem answer through the registered <see cref="IProblemDetailsService"/>.</summary>
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
