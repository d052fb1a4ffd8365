using Microsoft.Extensions.Hosting;

namespace SamMpa.Client.Cluster;

/// <summary>
/// The lifetime of a host inside a command (the embedded silo, the cluster client): it neither listens for Ctrl-C nor
/// SIGTERM, as the default console lifetime would. The command owns the signals: it cancels its dataset first, then
/// stops the host itself.
/// </summary>
internal sealed class CommandHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
