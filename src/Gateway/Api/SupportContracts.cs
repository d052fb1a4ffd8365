namespace SamMpa.Gateway.Api;

/// <summary>
/// One support as the selection ranks it (rank 1 first), whether its annotation is accepted, and how many queries
/// register it (null when the selection file does not say).
/// </summary>
public sealed record SupportView(int Rank, string Image, bool Annotated, int? QueriesServed);
