using Microsoft.Extensions.Options;
using Orleans.Runtime;
using SamMpa.Grains.Options;
using SamMpa.Grains.Services;
using SamMpa.Imaging.Sam;

namespace SamMpa.Hosting.Startup;

/// <summary>
/// A gpu silo loads its SAM package (Models:SamPackage) before it joins the cluster: a package that is missing or whose
/// models do not match their manifest stops the silo with the package's path and every difference, rather than
/// failing every embedding once work arrives.
/// </summary>
internal sealed class SamPackageStartupCheck(WorkerModels models, IOptions<ModelOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SamPackageStartupCheck), ServiceLifecycleStage.RuntimeInitialize, _ => CheckAsync());

    private Task CheckAsync()
    {
        try
        {
            models.LoadPackage();
            return Task.CompletedTask;
        }
        catch (Exception e) when (e is SamPackageException or FileNotFoundException or InvalidDataException or DirectoryNotFoundException)
        {
            throw new InvalidOperationException(
                $"This gpu silo cannot start: the SAM package Models:SamPackage = '{options.Value.SamPackage}' cannot be used. {e.Message}", e);
        }
    }
}
