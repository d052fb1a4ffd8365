namespace SamMpa.Bench.Accuracy;

/// <summary>One query's Dice and seconds per variant, and its uncertainty measures, for one pixel model and K.</summary>
public sealed record QueryOutcome(string Name, IReadOnlyDictionary<string, (double Dice, double Seconds)> Variants, IReadOnlyDictionary<string, double> Uncertainty);
