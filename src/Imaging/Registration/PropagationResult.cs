using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Registration;

/// <summary>
/// A support mask carried onto a query image: soft values in [0, 1] on the query's grid (the caller owns and
/// disposes <see cref="SoftMask"/>), and the wall time the registration and warp took.
/// </summary>
public sealed record PropagationResult(GrayImage SoftMask, TimeSpan Elapsed);
