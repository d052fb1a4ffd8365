namespace SamMpa.Bench.Results;

/// <summary>Builds a table row from (column, value) pairs in column order.</summary>
public static class Row
{
    public static IReadOnlyDictionary<string, object?> Of(params (string Column, object? Value)[] cells) =>
        cells.ToDictionary(c => c.Column, c => c.Value, StringComparer.Ordinal);
}
