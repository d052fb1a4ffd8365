using Microsoft.Extensions.Options;
using Orleans.Runtime;
using SamMpa.Grains.Options;
using SamMpa.Grains.Services;
using SamMpa.Imaging.Sam;

namespace SamMpa.Hosting.Startup;

/// <summary>
/// A gpu silo loads its models (Models:SamPackage, or Models:SamEncoder, or the bundled ResNet18) before it joins the
/// cluster, once, for every worker: a package that is missing or whose models do not match their manifest stops the
/// silo with the package's path and every difference, rather than failing every embedding once work arrives.
/// </summary>
internal sealed class SamPackageStartupCheck(WorkerModels models, IOptions<ModelOptions> options) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) =>
        lifecycle.Subscribe(nameof(SamPackageStartupCheck), ServiceLifecycleStage.RuntimeInitialize, _ => CheckAsync());

    private async Task CheckAsync()
    {
        try
        {
            await models.LoadAsync();
        }
        catch (Exception e) when (e is SamPackageException or FileNotFoundException or InvalidDataException or DirectoryNotFoundException)
        {
            var settings = options.Value;
            var what = !string.IsNullOrWhiteSpace(settings.SamPackage)
                ? $"the SAM package Models:SamPackage = '{settings.SamPackage}' cannot be used"
                : !string.IsNullOrWhiteSpace(settings.SamEncoder)
                    ? $"the SAM encoder Models:SamEncoder = '{settings.SamEncoder}' cannot be used"
                    : "the bundled ResNet18 encoder cannot be loaded";
            throw new InvalidOperationException($"This gpu silo cannot start: {what}. {e.Message}", e);
        }
    }
}
