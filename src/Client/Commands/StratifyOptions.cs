using System.CommandLine;

namespace SamMpa.Client.Commands;

/// <summary>`--stratify-by` and `--min-stratum-share` of `select` and `eval`: supports spread over sites (or another provenance field).</summary>
internal static class StratifyOptions
{
    public static Option<string> StratifyBy() => new("--stratify-by")
    {
        Description = "Spread the supports over the images' strata in proportion, and serve each query from its own stratum: "
            + "site, institution, manufacturer, model, station or series (from each image's provenance; none = one selection over every image).",
        DefaultValueFactory = _ => "none",
    };

    public static Option<double> MinStratumShare() => new("--min-stratum-share")
    {
        Description = "With --stratify-by: a stratum holding at least this share of the images gets at least one support.",
        DefaultValueFactory = _ => 0.05,
    };

    /// <summary>The field for the dataset grain, which checks it: null for none.</summary>
    public static string? Field(string? value) =>
        value is null || value.Equals("none", StringComparison.OrdinalIgnoreCase) ? null : value;
}
