using SamMpa.Grains.Datasets;
using SamMpa.Hosting;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Infrastructure;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The dataset flow on a gpu silo and a cpu silo configured for Azure Storage (blob grain state, table reminders,
/// queue streams, blobs) against Azurite, with names of its own, removed afterwards.
/// </summary>
public sealed class AzurePipelineTests
{
    [AzuriteFact]
    public async Task A_dataset_runs_to_completion_on_azure_storage()
    {
        Azurite.ThrowIfExpectedButMissing();
        var settings = AzureProvidersTests.AzureCluster.SettingsOfOneRun();
        try
        {
            await using var cluster = await TwoRoleCluster.DeployAsync(
                _ => new Dictionary<string, string?>
                {
                    ["Storage:Provider"] = "azure",
                    ["Storage:Azure:ConnectionString"] = settings.ConnectionString,
                    ["Storage:Azure:BlobContainer"] = settings.BlobContainer,
                    ["Storage:Azure:GrainStateContainer"] = settings.GrainStateContainer,
                    ["Storage:Azure:ClusteringTable"] = settings.ClusteringTable,
                    ["Storage:Azure:RemindersTable"] = settings.RemindersTable,
                    ["Storage:Azure:QueuePrefix"] = settings.QueuePrefix,
                    ["Storage:Azure:QueueCount"] = "2",
                    ["Job:MaxInFlight"] = "4",
                },
                client => client.UseSamMpaAzureProviders(settings),
                settleTimeout: Patience);

            var blobs = settings.CreateBlobStore();
            var dataset = NewDatasetId();
            using var phantoms = new PhantomDataset(ImageCount);
            await UploadAsync(blobs, dataset, phantoms);
            var events = await SubscribeAsync(cluster.Client, dataset);

            await PrepareAsync(cluster.Client, blobs, dataset);
            var status = await RunToEndAsync(cluster.Client, dataset, events);

            Assert.True(status.Phase == DatasetPhase.Completed && status.Segmented == ImageCount - K, $"expected {ImageCount - K} queries segmented, got {status.Phase} with {status.Segmented}");
            await AssertEveryQueryHasOneMaskAndEventAsync(blobs, dataset, events, ImageCount - K);
        }
        finally
        {
            await AzureProvidersTests.AzureCluster.DeleteStorageAsync(settings);
        }
    }
}
