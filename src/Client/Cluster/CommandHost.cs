using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SamMpa.Client.Cluster;

/// <summary>
/// A host inside a command (the embedded silo, the cluster client): the command's settings, its logs to the command's
/// progress, and no console lifetime. The command owns Ctrl-C and SIGTERM: it cancels its dataset first, then stops the
/// host itself, where the default lifetime would start stopping the host on the same signal.
/// </summary>
internal static class CommandHost
{
    /// <param name="minimum">The least level logged.</param>
    /// <param name="frameworkMinimum">The least level logged by Orleans and Microsoft categories, whose own chatter is not news to someone running one command.</param>
    public static HostApplicationBuilder CreateBuilder(IConfiguration settings, ILoggerProvider logs, LogLevel minimum, LogLevel frameworkMinimum)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddConfiguration(settings);
        builder.Services.AddCommandOwnedLifetime();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(minimum);
        builder.Logging.AddFilter("Orleans", frameworkMinimum);
        builder.Logging.AddFilter("Microsoft", frameworkMinimum);
        return builder;
    }

    /// <summary>The command, not the host, answers Ctrl-C and SIGTERM (for a host built elsewhere, e.g. serve's web app).</summary>
    public static IServiceCollection AddCommandOwnedLifetime(this IServiceCollection services) =>
        services.AddSingleton<IHostLifetime, CommandOwnedLifetime>();

    private sealed class CommandOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
