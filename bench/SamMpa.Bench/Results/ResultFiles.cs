using System.Text.Json;
using System.Text.Json.Serialization;

namespace SamMpa.Bench.Results;

/// <summary>Writes a run as bench/results/&lt;UTC timestamp&gt;.json and regenerates bench/RESULTS.md from it.</summary>
public static class ResultFiles
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Returns the paths written (the JSON file, then RESULTS.md).</summary>
    public static (string Json, string Markdown) Write(BenchRun run, string resultsDirectory, string markdownPath)
    {
        ArgumentNullException.ThrowIfNull(run);
        Directory.CreateDirectory(resultsDirectory);
        var name = $"{run.StartedUtc:yyyyMMdd'T'HHmmss'Z'}{(run.Quick ? "-quick" : string.Empty)}.json";
        var jsonPath = Path.Combine(resultsDirectory, name);
        File.WriteAllText(jsonPath, JsonSerializer.Serialize(run, Json));
        var relative = Path.GetRelativePath(Path.GetDirectoryName(Path.GetFullPath(markdownPath))!, jsonPath);
        File.WriteAllText(markdownPath, MarkdownReport.Render(run, relative));
        return (jsonPath, markdownPath);
    }
}
