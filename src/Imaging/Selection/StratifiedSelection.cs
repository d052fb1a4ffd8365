namespace SamMpa.Imaging.Selection;

/// <summary>
/// A selection made per stratum: the supports and assignment, how many supports each stratum got (largest stratum
/// first), and a note when the strata that should each have one outnumber K.
/// </summary>
public sealed record StratifiedSelection(SupportSelection Selection, IReadOnlyList<StratumAllocation> Allocation, string? Note);

/// <summary>A stratum ("" = unknown), how many of the samples are in it, and how many supports it got.</summary>
public sealed record StratumAllocation(string Stratum, int Images, int Supports);
