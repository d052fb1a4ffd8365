namespace SamMpa.Tests.Browser;

/// <summary>
/// A fact that drives Debian's Chromium (scripts/ensure-tools installs it): skipped, saying so, where it is missing on
/// a developer machine; never skipped when the environment variable CI is set (the test then fails naming it).
/// </summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public const string Executable = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Executable) && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            Skip = $"{Executable} is missing (scripts/ensure-tools installs Debian's chromium); skipped on this developer machine";
        }
    }
}
