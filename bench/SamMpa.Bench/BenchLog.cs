using System.Globalization;

namespace SamMpa.Bench;

/// <summary>Progress lines on stderr (stdout stays for the summary), each with the time since start.</summary>
public static class BenchLog
{
    private static readonly DateTimeOffset Started = DateTimeOffset.UtcNow;

    public static void Line(FormattableString message) =>
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{(DateTimeOffset.UtcNow - Started).TotalSeconds,7:0.0}s] ") + message.ToString(CultureInfo.InvariantCulture));
}
