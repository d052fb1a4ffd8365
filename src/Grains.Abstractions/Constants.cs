namespace SamMpa.Grains;

/// <summary>Stream, storage and provider names shared by silos and clients.</summary>
public static class Constants
{
    public const string StorageProviderName = "sammpa";
    public const string StreamProviderName = "sammpa-streams";
    public const string CompletionStreamNamespace = "sammpa.completions";
}
