namespace SamMpa.Grains;

/// <summary>Stream, storage, provider and silo-metadata names shared by silos and clients.</summary>
public static class Constants
{
    /// <summary>Grain state (datasets and images).</summary>
    public const string StorageProviderName = "sammpa";

    /// <summary>Grain state of the stream provider's pub-sub.</summary>
    public const string PubSubStorageName = "PubSubStore";

    public const string StreamProviderName = "sammpa-streams";

    /// <summary>One stream per dataset, keyed by the dataset id.</summary>
    public const string CompletionStreamNamespace = "sammpa.completions";

    /// <summary>Silo metadata key that holds the silo's role (<see cref="SiloRoles"/>).</summary>
    public const string RoleMetadataKey = "role";

    /// <summary>Silo metadata key that holds how many registrations the silo runs at once (cpu and all silos).</summary>
    public const string RegistrationSlotsMetadataKey = "registration-slots";

    /// <summary>Name of the reminder that resumes a dataset's job after a silo failure or a cluster restart.</summary>
    public const string JobReminderName = "sammpa.job";

    /// <summary>Meter of the cluster's own metrics.</summary>
    public const string MeterName = "SamMpa";

    /// <summary>The counter of image calls a dataset's job tried again (on <see cref="MeterName"/>).</summary>
    public const string JobRetriesInstrumentName = "sammpa.job.retries";

    /// <summary>Name of the reminder that wakes a webhook subscription with events still queued (after a silo failure).</summary>
    public const string WebhookReminderName = "sammpa.webhook";

    /// <summary>The named HTTP client (IHttpClientFactory) that webhook deliveries go out through.</summary>
    public const string WebhookHttpClientName = "sammpa.webhooks";
}
