using System.Globalization;
using SamMpa.Grains.Datasets;

namespace SamMpa.Client.Evaluation;

/// <summary>The line <c>eval</c> prints after its table for an auto run: the choice and every candidate's leave-one-out Dice.</summary>
public static class AutoLine
{
    /// <summary>"auto: chose loc+rf (leave-one-out Dice 0.871; mp 0.835, loc 0.850, ...)", prefixed by the run's name when given.</summary>
    public static string Format(DatasetReport.AutoChoice auto, string? run = null)
    {
        ArgumentNullException.ThrowIfNull(auto);
        var prefix = run is null ? "auto" : $"auto ({run})";
        var chosen = auto.Candidates.FirstOrDefault(c => c.Pipeline == auto.Chosen);
        if (chosen is null)
        {
            return $"{prefix}: {auto.Chosen}" + (auto.Note is null ? string.Empty : $" ({auto.Note})");
        }

        var others = auto.Candidates.Where(c => c != chosen).Select(Scored);
        var failures = auto.Candidates.Where(c => c.Failed > 0)
            .Select(c => $"; {c.Pipeline}: {c.Failed} trial(s) failed, counted 0 (first: {c.FirstFailure})");
        return $"{prefix}: chose {auto.Chosen} (leave-one-out Dice {Dice(chosen.LeaveOneOutDice)}; {string.Join(", ", others)})"
            + string.Concat(failures)
            + (auto.Note is null ? string.Empty : $"; {auto.Note}");
    }

    private static string Scored(DatasetReport.AutoCandidate candidate) => $"{candidate.Pipeline} {Dice(candidate.LeaveOneOutDice)}";

    private static string Dice(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
