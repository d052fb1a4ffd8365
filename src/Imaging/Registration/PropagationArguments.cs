using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Registration;

/// <summary>The checks every <see cref="IMaskPropagator"/> makes of its arguments, in one place.</summary>
internal static class PropagationArguments
{
    public static void Check(GrayImage query, GrayImage support, GrayImage supportMask, string supportName)
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
    }
}
