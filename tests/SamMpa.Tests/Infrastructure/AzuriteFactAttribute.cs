namespace SamMpa.Tests.Infrastructure;

/// <summary>
/// A fact that needs Azurite: skipped, with a sentence that says how to start it, when nothing listens on
/// 127.0.0.1:10000 on a developer machine; never skipped when the environment variable CI is set.
/// </summary>
public sealed class AzuriteFactAttribute : FactAttribute
{
    public const string NotRunning =
        "Azurite is not running on 127.0.0.1:10000 (start it with scripts/azurite start); skipped on this developer machine";

    // One probe per test run, not one per test.
    private static readonly Lazy<bool> Available = new(() => Azurite.IsExpected || Azurite.IsRunning());

    public AzuriteFactAttribute()
    {
        if (!Available.Value)
        {
            Skip = NotRunning;
        }
    }
}
