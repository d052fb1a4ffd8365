using System.Diagnostics;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Registration;

/// <summary>
/// <see cref="RegistrationEngine.Identity"/>: the support mask, bilinearly resampled to the query's size when the sizes
/// differ. Microseconds per pair, so a load test measures the cluster rather than elastix.
/// </summary>
public sealed class IdentityMaskPropagator : IMaskPropagator
{
    public Task<PropagationResult> PropagateAsync(
        GrayImage query, GrayImage support, GrayImage supportMask, string queryName, string supportName, CancellationToken ct)
    {
        PropagationArguments.Check(query, support, supportMask, supportName);

        ct.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var carried = supportMask.Width == query.Width && supportMask.Height == query.Height
            ? supportMask.Clone()
            : Resampler.Bilinear(supportMask, query.Width, query.Height);
        return Task.FromResult(new PropagationResult(carried, Stopwatch.GetElapsedTime(started)));
    }
}
