using Azure.Core;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Orleans.Configuration;
using Orleans.Hosting;
using SamMpa.Grains;
using SamMpa.Storage;

namespace SamMpa.Hosting;

/// <summary>
/// Orleans on Azure Storage, all from one <see cref="AzureStorageSettings"/>: membership in a table, grain state in
/// blobs, reminders in a table and the streams on queues.
/// </summary>
public static class AzureProviders
{
    /// <summary>
    /// Azure Table clustering, Azure Blob grain storage (<see cref="Constants.StorageProviderName"/> and the streams'
    /// pub-sub, <see cref="Constants.PubSubStorageName"/>), Azure Table reminders and Azure Queue streams
    /// (<see cref="Constants.StreamProviderName"/>).
    /// </summary>
    public static ISiloBuilder UseSamMpaAzureProviders(this ISiloBuilder silo, AzureStorageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        var account = StorageAccount.From(settings);
        var queueNames = settings.QueueNames().ToList();

        silo.UseAzureStorageClustering(options =>
        {
            options.TableServiceClient = account.Tables();
            options.TableName = settings.ClusteringTable;
        });

        foreach (var name in new[] { Constants.StorageProviderName, Constants.PubSubStorageName })
        {
            silo.AddAzureBlobGrainStorage(name, optionsBuilder => optionsBuilder.Configure<Orleans.Serialization.Serializer>((options, serializer) =>
            {
                options.BlobServiceClient = account.Blobs();
                options.ContainerName = settings.GrainStateContainer;
                // Orleans' own serializer, as the local-folder storage uses: every [GenerateSerializer] state round-trips,
                // and value-equal records are not mistaken for one object (Newtonsoft's reference tracking did).
                options.GrainStorageSerializer = new Orleans.Storage.OrleansGrainStorageSerializer(serializer);
            }));
        }

        silo.UseAzureTableReminderService(options =>
        {
            options.TableServiceClient = account.Tables();
            options.TableName = settings.RemindersTable;
        });

        silo.AddAzureQueueStreams(Constants.StreamProviderName, configurator =>
            configurator.ConfigureAzureQueue(QueuesOf(account, queueNames)));

        return silo;
    }

    /// <summary>
    /// Azure Table clustering (the gateways come from the membership table) and the same Azure Queue streams as the
    /// silos (<see cref="Constants.StreamProviderName"/>).
    /// </summary>
    public static IClientBuilder UseSamMpaAzureProviders(this IClientBuilder client, AzureStorageSettings settings)
    {
        ArgumentNullException.ThrowIfNull(client);
        var account = StorageAccount.From(settings);
        var queueNames = settings.QueueNames().ToList();

        client.UseAzureStorageClustering(options =>
        {
            options.TableServiceClient = account.Tables();
            options.TableName = settings.ClusteringTable;
        });

        client.AddAzureQueueStreams(Constants.StreamProviderName, configurator =>
            configurator.ConfigureAzureQueue(QueuesOf(account, queueNames)));

        return client;
    }

    /// <summary>The stream queues of silos and clients alike.</summary>
    private static Action<Microsoft.Extensions.Options.OptionsBuilder<Orleans.Configuration.AzureQueueOptions>> QueuesOf(StorageAccount account, List<string> queueNames) =>
        options => options.Configure(queues =>
        {
            queues.QueueServiceClient = account.Queues();
            queues.QueueNames = queueNames;
        });

    /// <summary>The image, mask and result blobs, in <see cref="AzureStorageSettings.BlobContainer"/>.</summary>
    public static AzureBlobStore CreateBlobStore(this AzureStorageSettings settings) =>
        new(StorageAccount.From(settings).Blobs().GetBlobContainerClient(settings.BlobContainer));

    /// <summary>The URL of <see cref="AzureStorageSettings.BlobContainer"/> (no credentials in it), for messages.</summary>
    public static Uri BlobContainerUri(this AzureStorageSettings settings) =>
        StorageAccount.From(settings).Blobs().GetBlobContainerClient(settings.BlobContainer).Uri;

    /// <summary>The account's service clients, from the connection string or from the account name and DefaultAzureCredential.</summary>
    private sealed class StorageAccount
    {
        private readonly string? _connectionString;
        private readonly string? _accountName;
        private readonly TokenCredential? _credential;

        private StorageAccount(string? connectionString, string? accountName, TokenCredential? credential)
        {
            _connectionString = connectionString;
            _accountName = accountName;
            _credential = credential;
        }

        public static StorageAccount From(AzureStorageSettings settings)
        {
            ArgumentNullException.ThrowIfNull(settings);
            if (!string.IsNullOrWhiteSpace(settings.ConnectionString))
            {
                return new StorageAccount(settings.ConnectionString, null, null);
            }

            if (!string.IsNullOrWhiteSpace(settings.AccountName))
            {
                return new StorageAccount(null, settings.AccountName, new DefaultAzureCredential());
            }

            throw new InvalidOperationException(
                $"Azure Storage is not configured: set {AzureStorageSettings.SectionName}:{nameof(AzureStorageSettings.ConnectionString)}, " +
                $"or {AzureStorageSettings.SectionName}:{nameof(AzureStorageSettings.AccountName)} to sign in with DefaultAzureCredential.");
        }

        public BlobServiceClient Blobs() =>
            _connectionString is not null ? new BlobServiceClient(_connectionString) : new BlobServiceClient(Endpoint("blob"), _credential);

        public QueueServiceClient Queues() =>
            _connectionString is not null ? new QueueServiceClient(_connectionString) : new QueueServiceClient(Endpoint("queue"), _credential);

        public TableServiceClient Tables() =>
            _connectionString is not null ? new TableServiceClient(_connectionString) : new TableServiceClient(Endpoint("table"), _credential);

        private Uri Endpoint(string service) => new($"https://{_accountName}.{service}.core.windows.net");
    }
}
