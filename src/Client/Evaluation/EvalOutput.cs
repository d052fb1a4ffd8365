using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using SamMpa.Reports;

namespace SamMpa.Client.Evaluation;

/// <summary>Writes per_image.csv, summary.json and report.html, each atomically (temp file, then rename).</summary>
public static class EvalOutput
{
    public const string PerImageFile = "per_image.csv";
    public const string SummaryFile = "summary.json";
    public const string ReportFile = "report.html";

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void WritePerImage(string outputDirectory, IEnumerable<(RunSummary Run, QueryResult Result)> rows)
    {
        var csv = new StringBuilder("run,shots,stages,image,support,dice,iou,final_dice,final_iou,registration_seconds,status,error,uncertainty\n");
        foreach (var (run, r) in rows)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{run.Run},{run.Shots},\"{run.Stages}\",{Csv(r.Image)},{Csv(r.Support)},{r.Dice:F6},{r.IoU:F6},{r.FinalDice:F6},{r.FinalIoU:F6},{r.RegistrationSeconds:F3},{(r.Failed ? "failed" : "ok")},{Csv(r.Error ?? string.Empty)},{(r.Uncertainty is { } u ? u.ToString("F6", CultureInfo.InvariantCulture) : string.Empty)}\n");
        }

        WriteAtomically(Path.Combine(outputDirectory, PerImageFile), csv.ToString());
    }

    public static void WriteSummary(string outputDirectory, EvalReport report) =>
        WriteAtomically(Path.Combine(outputDirectory, SummaryFile), JsonSerializer.Serialize(report, Json));

    /// <summary>Renders the report page; returns its path.</summary>
    public static string WriteReport(string outputDirectory, SegmentationReport report)
    {
        var path = Path.Combine(outputDirectory, ReportFile);
        WriteAtomically(path, HtmlReport.Render(report));
        return path;
    }

    private static string Csv(string value) =>
        value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;

    private static void WriteAtomically(string path, string contents)
    {
        var temporary = path + ".tmp-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllText(temporary, contents);
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
