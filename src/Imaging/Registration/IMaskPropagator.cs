using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Registration;

/// <summary>Carries a support image's mask onto a query image's grid (stage MP).</summary>
public interface IMaskPropagator
{
    /// <summary>
    /// Registers <paramref name="support"/> onto <paramref name="query"/> and warps <paramref name="supportMask"/>
    /// (same size as the support, values 0..1) with the result. The names only label errors.
    /// </summary>
    Task<PropagationResult> PropagateAsync(
        GrayImage query, GrayImage support, GrayImage supportMask, string queryName, string supportName, CancellationToken ct);
}
