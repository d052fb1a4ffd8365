using System.Numerics.Tensors;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;

namespace SamMpa.Grains.Services;

/// <summary>Label fusion: the mean of the propagated soft masks (with one support, a copy of its mask).</summary>
internal static class MaskFusion
{
    /// <summary>The fused soft mask on the working grid, or null when every registration failed.</summary>
    public static GrayImage? Fuse(IReadOnlyList<PropagatedMask> masks)
    {
        var usable = masks.Where(m => m.SoftMask is not null).ToArray();
        if (usable.Length == 0)
        {
            return null;
        }

        var first = usable[0];
        var fused = new GrayImage(first.Width, first.Height);
        foreach (var mask in usable)
        {
            if (mask.Width != first.Width || mask.Height != first.Height || mask.SoftMask!.Length != fused.Pixels.Length)
            {
                fused.Dispose();
                throw new InvalidOperationException($"The mask from support '{mask.Support}' is {mask.Width}x{mask.Height}, the others {first.Width}x{first.Height}.");
            }

            TensorPrimitives.Add(fused.Pixels, mask.SoftMask, fused.Pixels);
        }

        if (usable.Length > 1)
        {
            TensorPrimitives.Multiply(fused.Pixels, 1f / usable.Length, fused.Pixels);
        }

        return fused;
    }

    /// <summary>The registration errors of the supports that failed, one line.</summary>
    public static string Errors(IReadOnlyList<PropagatedMask> masks) =>
        string.Join(" | ", masks.Where(m => m.Error is not null).Select(m => m.Error));
}
