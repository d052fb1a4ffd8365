namespace SamMpa.Hosting;

/// <summary>
/// Where the cluster keeps its state in Azure Storage: membership, grain state, reminders, streams and the image
/// blobs, all in one storage account. Bound by the host from the configuration section <see cref="SectionName"/>.
/// </summary>
/// <remarks>
/// Names follow Azure's rules: containers and queues are lowercase letters, digits and single hyphens (3 to 63
/// characters; a queue name here is <see cref="QueuePrefix"/>, '-' and the queue's number); tables are letters
/// and digits only, starting with a letter.
/// </remarks>
public sealed class AzureStorageSettings
{
    /// <summary>The configuration section these settings are bound from.</summary>
    public const string SectionName = "Storage:Azure";

    /// <summary>
    /// The storage account's connection string (for Azurite: "UseDevelopmentStorage=true"). When empty,
    /// <see cref="AccountName"/> is used with <c>DefaultAzureCredential</c> (managed identity, workload identity,
    /// environment or developer sign-in).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// The storage account, used only when <see cref="ConnectionString"/> is empty: its public-cloud endpoints
    /// (https://ACCOUNT.blob.core.windows.net and the queue and table ones) are reached with <c>DefaultAzureCredential</c>.
    /// </summary>
    public string? AccountName { get; set; }

    /// <summary>Container of the image, mask and result blobs (<c>SamMpa.Storage.AzureBlobStore</c>).</summary>
    public string BlobContainer { get; set; } = "sammpa";

    /// <summary>Container of the grain state (datasets, images and the streams' pub-sub).</summary>
    public string GrainStateContainer { get; set; } = "sammpa-grainstate";

    /// <summary>Table of the cluster membership (silos and gateways).</summary>
    public string ClusteringTable { get; set; } = "sammpaclustering";

    /// <summary>Table of the reminders (a dataset job's reminder resumes it after a failure).</summary>
    public string RemindersTable { get; set; } = "sammpareminders";

    /// <summary>Prefix of the stream queues' names: the queues are PREFIX-0 to PREFIX-(<see cref="QueueCount"/> - 1).</summary>
    public string QueuePrefix { get; set; } = "sammpa";

    /// <summary>
    /// Number of stream queues (the streams are spread over them and each silo pulls from its share). Silos and
    /// clients of one cluster must use the same number.
    /// </summary>
    public int QueueCount { get; set; } = 4;

    /// <summary>The stream queues' names, PREFIX-0 to PREFIX-(<see cref="QueueCount"/> - 1).</summary>
    public IReadOnlyList<string> QueueNames() =>
        QueueCount < 1
            ? throw new InvalidOperationException($"{SectionName}:{nameof(QueueCount)} is {QueueCount}; at least one stream queue is needed.")
            : [.. Enumerable.Range(0, QueueCount).Select(i => $"{QueuePrefix}-{i}")];
}
