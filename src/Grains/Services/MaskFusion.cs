using System.Numerics.Tensors;
using SamMpa.Imaging.Images;

namespace SamMpa.Grains.Services;

/// <summary>Label fusion: the mean of the propagated soft masks (with one support, a copy of its mask).</summary>
internal static class MaskFusion
{
    /// <summary>The fused soft mask on the working grid, or null when there is no mask to fuse.</summary>
    public static GrayImage? Fuse(IReadOnlyList<GrayImage> masks)
    {
        if (masks.Count == 0)
        {
            return null;
        }

        var first = masks[0];
        var fused = first.Clone();
        for (var m = 1; m < masks.Count; m++)
        {
            if (masks[m].Width != first.Width || masks[m].Height != first.Height)
            {
                fused.Dispose();
                throw new InvalidOperationException($"Propagated masks of {masks[m].Width}x{masks[m].Height} and {first.Width}x{first.Height} cannot be fused.");
            }

            TensorPrimitives.Add(fused.Pixels, masks[m].Pixels, fused.Pixels);
        }

        if (masks.Count > 1)
        {
            TensorPrimitives.Multiply(fused.Pixels, 1f / masks.Count, fused.Pixels);
        }

        return fused;
    }
}
