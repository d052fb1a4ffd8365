using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using SamMpa.Grains;
using SamMpa.Imaging.Registration;

namespace SamMpa.Hosting.Startup;

/// <summary>
/// A silo that registers images (role cpu or all, elastix) deletes, as it starts, the registration work folders a
/// killed silo left under the work root (patients' images), once older than Registration:StaleWorkFolderAge: a
/// registration in flight in another silo on the same machine writes in its folder well within that age.
/// </summary>
internal sealed class RegistrationWorkFolderSweep(string role, RegistrationOptions options, ILogger<RegistrationWorkFolderSweep> logger)
    : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle)
    {
        if (SiloRoles.Serves(role, SiloRoles.Cpu) && options.Engine == RegistrationEngine.Elastix)
        {
            lifecycle.Subscribe(nameof(RegistrationWorkFolderSweep), ServiceLifecycleStage.RuntimeInitialize, _ => SweepAsync());
        }
    }

    private Task SweepAsync()
    {
        var root = options.ResolvedWorkRoot;
        var deleted = RegistrationWorkFolders.SweepStale(root, options.StaleWorkFolderAge);
        if (deleted.Count > 0)
        {
            logger.LogInformation(
                "Deleted {Count} stale registration work folders (older than {Age}) under {Root}", deleted.Count, options.StaleWorkFolderAge, root);
        }

        return Task.CompletedTask;
    }
}
