using System.Globalization;
using SamMpa.Client.Evaluation;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Client.Console;

/// <summary>The table that ends `sammpa eval`: one row per run.</summary>
internal static class ResultTable
{
    public static void Write(TextWriter writer, EvalReport report, string outputDirectory)
    {
        string[] header = ["run", "K", "stages", "queries", "failed", "coarse dice", "coarse std", "coarse median", "coarse IoU", "final dice", "final median", "wall s", "reg wall s"];
        var rows = report.Runs.Select(r => new[]
        {
            r.Run,
            Number(r.Shots),
            r.Stages,
            Number(r.Queries),
            Number(r.Failed),
            Fixed(r.DiceMean),
            Fixed(r.DiceStd),
            Fixed(r.DiceMedian),
            Fixed(r.IouMean),
            Fixed(r.FinalDiceMean ?? double.NaN),
            Fixed(r.FinalDiceMedian ?? double.NaN),
            r.WallSeconds.ToString("F1", CultureInfo.InvariantCulture),
            r.RegistrationWallSeconds.ToString("F1", CultureInfo.InvariantCulture),
        }).ToList();

        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[c].Length))).ToArray();
        writer.WriteLine();
        writer.WriteLine($"{report.Images} images, encoder {report.Encoder} ({report.EmbeddingsComputed} embeddings computed, the rest from cache)");
        WriteRow(writer, header, widths);
        WriteRow(writer, widths.Select(w => new string('-', w)).ToArray(), widths);
        foreach (var row in rows)
        {
            WriteRow(writer, row, widths);
        }

        foreach (var run in report.Runs.Where(r => r.Strata is { Count: > 0 }))
        {
            WriteStrata(writer, run);
        }

        foreach (var run in report.Runs.Where(r => r.Auto is not null))
        {
            writer.WriteLine(AutoLine.Format(run.Auto!, report.Runs.Count > 1 ? run.Run : null));
        }

        writer.WriteLine();
        writer.WriteLine($"results: {outputDirectory}");
        writer.WriteLine($"report: {Path.Combine(outputDirectory, EvalOutput.ReportFile)}");
    }

    /// <summary>Dice per site (or per the field the supports were stratified by) of one run.</summary>
    private static void WriteStrata(TextWriter writer, RunSummary run)
    {
        string[] header = [run.StratifiedBy ?? "site", "queries", "failed", "coarse dice", "final dice"];
        var rows = run.Strata!.Select(s => new[]
        {
            s.Key,
            Number(s.Value.Queries),
            Number(s.Value.Failed),
            Fixed(s.Value.DiceMean),
            Fixed(s.Value.FinalDiceMean ?? double.NaN),
        }).ToList();
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        writer.WriteLine();
        writer.WriteLine($"{run.Run}: Dice per {run.StratifiedBy ?? "site"}{(run.StratifiedBy is null ? string.Empty : " (supports stratified)")}");
        WriteRow(writer, header, widths, textColumns: 1);
        WriteRow(writer, widths.Select(w => new string('-', w)).ToArray(), widths, textColumns: 1);
        foreach (var row in rows)
        {
            WriteRow(writer, row, widths, textColumns: 1);
        }
    }

    private static void WriteRow(TextWriter writer, string[] cells, int[] widths, int textColumns = 3) =>
        writer.WriteLine(string.Join("  ", cells.Select((c, i) => i < textColumns ? c.PadRight(widths[i]) : c.PadLeft(widths[i]))).TrimEnd());

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Fixed(double value) =>
        double.IsNaN(value) ? "-" : value.ToString("F4", CultureInfo.InvariantCulture);
}
