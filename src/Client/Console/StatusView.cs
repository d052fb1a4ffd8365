using System.Globalization;
using SamMpa.Grains.Datasets;
using Spectre.Console;

namespace SamMpa.Client.Console;

/// <summary>A dataset's status as a small table on standard output (plain text when output is redirected).</summary>
internal static class StatusView
{
    private const int FailuresShown = 20;

    public static void Write(DatasetStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("dataset").AddColumn(Markup.Escape(status.Dataset));
        Row(table, "phase", status.Phase.ToString());
        Row(table, "images", Number(status.Images));
        Row(table, "embedded", Number(status.Embedded));
        if (status.Supports.Count > 0)
        {
            Row(table, "supports", $"{status.Supports.Count}: {string.Join(", ", status.Supports.Take(10))}{(status.Supports.Count > 10 ? ", ..." : string.Empty)}");
        }

        if (status.RunId is not null)
        {
            Row(table, "run", status.RunId);
            Row(table, "segmented", $"{Number(status.Segmented)} of {Number(status.Queries)} queries ({Number(status.InFlight)} in flight)");
        }

        Row(table, "failed", Number(status.Failed));
        if (status.CoarseDiceMean is { } coarse)
        {
            Row(table, "coarse Dice", coarse.ToString("F4", CultureInfo.InvariantCulture));
        }

        if (status.FinalDiceMean is { } final)
        {
            Row(table, "final Dice", final.ToString("F4", CultureInfo.InvariantCulture));
        }

        if (status.MissingRole is not null)
        {
            Row(table, "missing role", status.MissingRole);
        }

        if (status.Message is not null)
        {
            Row(table, "note", status.Message);
        }

        AnsiConsole.Write(table);
        foreach (var failure in status.Failures.Take(FailuresShown))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]failed[/] {failure.Image} ({failure.Stage}): {failure.Reason}");
        }

        if (status.Failures.Count > FailuresShown)
        {
            AnsiConsole.WriteLine($"... and {status.Failures.Count - FailuresShown} more failures (sammpa status --json lists them all)");
        }
    }

    private static void Row(Table table, string name, string value) => table.AddRow(Markup.Escape(name), Markup.Escape(value));

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
