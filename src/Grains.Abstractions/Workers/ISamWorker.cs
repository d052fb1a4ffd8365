using SamMpa.Grains.Images;

namespace SamMpa.Grains.Workers;

/// <summary>Stages PA, SEG and PR: prompts SAM with the fused coarse mask, refines, writes coarse and final masks. gpu silos.</summary>
[Alias("sammpa.ISamWorker")]
public interface ISamWorker : IGrainWithIntegerKey
{
    [Alias("Segment")]
    Task<ImageOutcome> SegmentAsync(MaskJob job);
}
