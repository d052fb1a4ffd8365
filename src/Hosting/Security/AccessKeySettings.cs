using Microsoft.Extensions.Configuration;

namespace SamMpa.Hosting.Security;

/// <summary>The access key a client presents: <c>Orleans:AccessKey</c>, else <c>ACCESS_KEY</c> (SAMMPA_ACCESS_KEY for the CLI).</summary>
public static class AccessKeySettings
{
    public const string Setting = $"{ClusterSettings.Section}:AccessKey";

    public const string ShortSetting = "ACCESS_KEY";

    public static string? From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var key = configuration[Setting] is { Length: > 0 } a ? a : configuration[ShortSetting];
        return string.IsNullOrWhiteSpace(key) ? null : key.Trim();
    }
}
