namespace SamMpa.Bench.Results;

/// <summary>
/// One table of figures: what it compares, its columns in order, and rows keyed by column (numbers stay numbers in the
/// JSON; text cells are labels).
/// </summary>
public sealed record BenchTable(
    string Title,
    string Compares,
    IReadOnlyList<string> Columns,
    IReadOnlyList<IReadOnlyDictionary<string, object?>> Rows,
    IReadOnlyList<string> Notes);
