namespace SamMpa.Gateway.Api;

/// <summary>
/// One support as the selection ranks it (rank 1 first), whether its annotation is accepted, and how many queries
/// register it (null when the selection file does not say), and its stratum (its site, or the field the supports were
/// stratified by; "(unknown)" without provenance; null when no image of the dataset has provenance).
/// </summary>
public sealed record SupportView(int Rank, string Image, bool Annotated, int? QueriesServed, string? Stratum = null);
