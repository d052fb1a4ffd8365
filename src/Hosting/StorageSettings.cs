
namespace SamMpa.Hosting;

/// <summary>
/// Where blobs, grain state, reminders and streams live (configuration section "Storage"). The default, "local", needs
/// nothing: one folder holds blobs, grain state and reminders, so a development silo keeps its datasets across restarts.
/// "azure" puts everything in one Azure Storage account (Azurite locally).
/// </summary>
public sealed class StorageSettings
{
    public const string Section = "Storage";
    public const string Local = "local";
    public const string AzureProvider = "azure";

    /// <summary>"local" or "azure".</summary>
    public string Provider { get; set; } = Local;

    /// <summary>The local folder; default $SAMMPA_HOME, else ~/.local/share/sammpa.</summary>
    public string? LocalRoot { get; set; }

    public AzureStorageSettings Azure { get; set; } = new();

    /// <summary>How long a starting silo waits for the blob store's first answer before it refuses to start.</summary>
    public TimeSpan StartupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Where the blobs are, for messages: the Azure container's URL or the local folder.</summary>
    public string BlobEndpoint() => IsAzure ? Azure.BlobContainerUri().ToString() : ResolvedLocalRoot;

    public bool IsAzure => string.Equals(Provider, AzureProvider, StringComparison.OrdinalIgnoreCase);

    public string ResolvedLocalRoot =>
        Path.GetFullPath(
            !string.IsNullOrWhiteSpace(LocalRoot) ? LocalRoot
            : Environment.GetEnvironmentVariable("SAMMPA_HOME") is { Length: > 0 } home ? home
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "sammpa"));

    /// <summary>Checks the provider name, so a typo fails at start with the accepted values.</summary>
    public StorageSettings Validate()
    {
        if (!IsAzure && !string.Equals(Provider, Local, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Storage:Provider '{Provider}' is not known: use '{Local}' or '{AzureProvider}'.");
        }

        if (IsAzure && string.IsNullOrWhiteSpace(Azure.ConnectionString) && string.IsNullOrWhiteSpace(Azure.AccountName))
        {
            throw new InvalidOperationException("Storage:Provider is 'azure' but neither Storage:Azure:ConnectionString nor Storage:Azure:AccountName is set.");
        }

        if (StartupTimeout <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"Storage:StartupTimeout must be positive, not {StartupTimeout}.");
        }

        return this;
    }
}
