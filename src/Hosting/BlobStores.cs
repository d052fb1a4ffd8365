using SamMpa.Storage;

namespace SamMpa.Hosting;

/// <summary>The blob store that <see cref="StorageSettings"/> names, for silos and clients alike.</summary>
public static class BlobStores
{
    public static IBlobStore Create(StorageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        return settings.IsAzure
            ? settings.Azure.CreateBlobStore()
            : new LocalFolderBlobStore(settings.ResolvedLocalRoot);
    }
}
