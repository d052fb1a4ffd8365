using SamMpa.Grains.Images;

namespace SamMpa.Grains.Workers;

/// <summary>
/// Carries a support's annotation onto a query by elastix registration, and writes the coarse mask when SAM does not
/// run. cpu silos; one registration per worker activation at a time.
/// </summary>
[Alias("sammpa.IRegistrationWorker")]
public interface IRegistrationWorker : IGrainWithIntegerKey
{
    [Alias("Propagate")]
    Task<PropagatedMask> PropagateAsync(PropagationJob job);

    /// <summary>Fuses the propagated masks and writes them as the coarse and the final mask (stages ES and MP only).</summary>
    [Alias("WriteCoarse")]
    Task<ImageOutcome> WriteCoarseAsync(MaskJob job);
}

[GenerateSerializer]
[Alias("sammpa.PropagationJob")]
public sealed record PropagationJob(
    [property: Id(0)] string Dataset,
    [property: Id(1)] string Query,
    [property: Id(2)] string QueryBlob,
    [property: Id(3)] SupportRef Support,
    [property: Id(4)] int WorkingSize);

/// <summary>A support's mask on the query's working grid, soft (0..1), or why registration failed.</summary>
[GenerateSerializer]
[Alias("sammpa.PropagatedMask")]
public sealed record PropagatedMask
{
    [Id(0)]
    public required string Support { get; init; }

    [Id(1)]
    public int Width { get; init; }

    [Id(2)]
    public int Height { get; init; }

    /// <summary>Row-major, Width x Height; null when registration failed.</summary>
    [Id(3)]
    public float[]? SoftMask { get; init; }

    [Id(4)]
    public double Seconds { get; init; }

    [Id(5)]
    public string? Error { get; init; }
}
