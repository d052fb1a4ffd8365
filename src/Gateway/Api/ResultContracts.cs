namespace SamMpa.Gateway.Api;

/// <summary>The last completed run of a dataset, per image (<c>GET /datasets/{id}/results</c>).</summary>
public sealed record ResultsView(string Dataset, string RunId, double? CoarseDiceMean, double? FinalDiceMean, IReadOnlyList<ImageResult> Images);

/// <summary>
/// One image of a run: <c>segmented</c> (with Dice when the dataset has ground truth, and the pipeline's uncertainty),
/// <c>failed</c> or <c>not-embedded</c> (with the error).
/// </summary>
public sealed record ImageResult(string Image, string Status, double? FinalDice, double? CoarseDice, double? Uncertainty, string? Error);
