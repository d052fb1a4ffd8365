using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Storage;

namespace SamMpa.Gateway.Api;

/// <summary>
/// One dataset as a request sees it: its grain (called with the caller's key, which the pipeline forwards) and the
/// role check that comes before the gateway touches its blobs with its own storage credentials.
/// </summary>
internal sealed class GatewayDataset(IClusterClient cluster, string id)
{
    /// <summary>The id, checked: a bad one is answered 400 naming it.</summary>
    public string Id { get; } = ResourceId.Validate(id, "dataset");

    public IDatasetGrain Grain => cluster.GetGrain<IDatasetGrain>(Id);

    /// <summary>
    /// The dataset's blob folders once the caller's role is confirmed by the dataset grain; a dataset not created yet is
    /// 404 (an <see cref="AccessDeniedException"/> from the grain is 403).
    /// </summary>
    public async Task<DatasetAccess> RequireAsync(DatasetRole role)
    {
        var access = await Grain.RequireRoleAsync(role);
        return access.Exists ? access : throw new KeyNotFoundException($"Dataset '{Id}' does not exist; create it first (POST /api/v1/datasets).");
    }

    /// <summary>An image name, checked: a bad one is answered 400 naming it.</summary>
    public static string ImageName(string image) => ResourceId.Validate(image, "image");
}
