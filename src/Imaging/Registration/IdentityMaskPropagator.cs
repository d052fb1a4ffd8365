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
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(support);
        ArgumentNullException.ThrowIfNull(supportMask);
        if (supportMask.Width != support.Width || supportMask.Height != support.Height)
        {
            throw new ArgumentException(
                $"The mask of support '{supportName}' is {supportMask.Width}x{supportMask.Height} but the image is {support.Width}x{support.Height}.",
                nameof(supportMask));
        }

        ct.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var carried = supportMask.Width == query.Width && supportMask.Height == query.Height
            ? supportMask.Clone()
            : Resampler.Bilinear(supportMask, query.Width, query.Height);
        return Task.FromResult(new PropagationResult(carried, Stopwatch.GetElapsedTime(started)));
    }
}
