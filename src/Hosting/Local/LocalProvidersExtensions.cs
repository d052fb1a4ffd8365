using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Hosting;
using Orleans.Runtime.Hosting;
using Orleans.Serialization;

namespace SamMpa.Hosting.Local;

/// <summary>Registers the providers of the development default, which keep grain state and reminders in a local folder.</summary>
public static class LocalProvidersExtensions
{
    /// <summary>
    /// Adds grain storage <paramref name="name"/> that keeps state in files below
    /// <c>{rootFolder}/grainstate</c> (<see cref="LocalFolderGrainStorage"/>). A relative folder is resolved now,
    /// against the current directory.
    /// </summary>
    public static ISiloBuilder AddLocalFolderGrainStorage(this ISiloBuilder silo, string name, string rootFolder)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(rootFolder);
        var root = Path.GetFullPath(rootFolder);

        // Orleans' keyed registration of a named IGrainStorage (it also serves the provider named "Default" unkeyed).
        return silo.ConfigureServices(services => services.AddGrainStorage(
            name,
            (provider, providerName) => new LocalFolderGrainStorage(
                providerName,
                root,
                provider.GetRequiredService<Serializer>(),
                provider.GetRequiredService<ILogger<LocalFolderGrainStorage>>())));
    }

    /// <summary>
    /// Adds reminders to the silo with their table in <c>{rootFolder}/reminders.json</c>
    /// (<see cref="LocalFolderReminderTable"/>). A relative folder is resolved now, against the current directory.
    /// </summary>
    public static ISiloBuilder UseLocalFolderReminderService(this ISiloBuilder silo, string rootFolder)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentException.ThrowIfNullOrEmpty(rootFolder);
        var root = Path.GetFullPath(rootFolder);

        // The reminder service (LocalReminderService, IReminderRegistry) and the table it reads and writes.
        silo.AddReminders();
        return silo.ConfigureServices(services => services.AddSingleton<IReminderTable>(
            provider => new LocalFolderReminderTable(root, provider.GetRequiredService<ILogger<LocalFolderReminderTable>>())));
    }
}
