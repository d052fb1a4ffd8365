using System.Globalization;
using System.Text;

namespace SamMpa.Bench.Results;

/// <summary>bench/RESULTS.md: the machine, the date, the commit, and one table per suite with what it compares.</summary>
public static class MarkdownReport
{
    public static string Render(BenchRun run, string jsonFile)
    {
        ArgumentNullException.ThrowIfNull(run);
        var md = new StringBuilder();
        md.AppendLine("# Benchmark results").AppendLine();
        if (run.Quick)
        {
            md.AppendLine("> **QUICK RUN** (`bench/run --quick`): tiny sizes and phantom images, for checking the script only.")
              .AppendLine("> These are not the figures of the issue; run `bench/run` on a quiet machine for those.")
              .AppendLine();
        }

        var m = run.Machine;
        md.AppendLine("| | |").AppendLine("|---|---|")
          .AppendLine(Inv($"| date (UTC) | {run.StartedUtc:yyyy-MM-dd HH:mm} |"))
          .AppendLine(Inv($"| commit | {m.Commit} |"))
          .AppendLine(Inv($"| CPU | {m.Cpu} |"))
          .AppendLine(Inv($"| cores | {m.Cores} |"))
          .AppendLine(Inv($"| memory | {m.MemoryGiB:0.#} GiB |"))
          .AppendLine(Inv($"| OS | {m.Os} |"))
          .AppendLine(Inv($"| .NET | {m.DotNet} |"))
          .AppendLine(Inv($"| elastix | {m.Elastix} |"))
          .AppendLine(Inv($"| command | `bench/run {run.Arguments}` |"))
          .AppendLine(Inv($"| raw figures | `{jsonFile}` |"))
          .AppendLine();

        foreach (var suite in run.Suites)
        {
            md.AppendLine(Inv($"## {suite.Suite}")).AppendLine();
            if (suite.Error is not null)
            {
                md.AppendLine(Inv($"Not measured: {suite.Error}")).AppendLine();
                continue;
            }

            foreach (var table in suite.Tables)
            {
                if (suite.Tables.Count > 1)
                {
                    md.AppendLine(Inv($"### {table.Title}")).AppendLine();
                }

                md.AppendLine(Inv($"Compares: {table.Compares}")).AppendLine();
                md.Append("| ").AppendJoin(" | ", table.Columns).AppendLine(" |");
                md.Append('|').AppendJoin(string.Empty, table.Columns.Select(_ => "---|")).AppendLine();
                foreach (var row in table.Rows)
                {
                    md.Append("| ").AppendJoin(" | ", table.Columns.Select(c => Cell(row.GetValueOrDefault(c)))).AppendLine(" |");
                }

                md.AppendLine();
                foreach (var note in table.Notes)
                {
                    md.AppendLine(Inv($"- {note}"));
                }

                if (table.Notes.Count > 0)
                {
                    md.AppendLine();
                }
            }

            md.AppendLine(Inv($"Suite time: {suite.Seconds:0.#} s.")).AppendLine();
        }

        return md.ToString();
    }

    /// <summary>Three significant digits keep the tables readable; the JSON has every digit.</summary>
    private static string Cell(object? value) => value switch
    {
        null => "—",
        double d when double.IsNaN(d) => "n/a",
        double d when d == Math.Floor(d) && Math.Abs(d) < 1e6 => d.ToString("0", CultureInfo.InvariantCulture),
        double d when Math.Abs(d) >= 100 => d.ToString("0", CultureInfo.InvariantCulture),
        double d => d.ToString("0.###", CultureInfo.InvariantCulture) is var s && s != "0" ? s : d.ToString("0.###e0", CultureInfo.InvariantCulture),
        int i => i.ToString(CultureInfo.InvariantCulture),
        bool b => b ? "yes" : "no",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
