using OpenCvSharp;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Refinement;

/// <summary>
/// Refinement without SAM: OpenCV's GrabCut (colour GMMs + graph cut) on a two-channel picture of the query, its gray
/// intensities and the probability map scaled to 0..255 (third channel zero), so the GMMs see both the image and where
/// the map puts the target. The map also seeds the trimap: definite target / background beyond the sure thresholds,
/// probable target or background in between. Needs the OpenCvSharp native library (linux-x64: apt libgtk-3-0).
/// </summary>
public static class GrabCutRefiner
{
    /// <summary>
    /// The refined 0/1 mask. When the map has no target pixel or no background pixel GrabCut has nothing to model, so
    /// the map thresholded at <see cref="GrabCutOptions.Threshold"/> is returned unchanged.
    /// </summary>
    /// <param name="image">Intensities on the 0..255 scale.</param>
    /// <param name="probability">Target probability (0..1), same size.</param>
    public static GrayImage Refine(GrayImage image, GrayImage probability, GrabCutOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(probability);
        options ??= new GrabCutOptions();
        options.Validate();
        if (image.Width != probability.Width || image.Height != probability.Height)
        {
            throw new ArgumentException(
                $"The probability map is {probability.Width}x{probability.Height} but the image is {image.Width}x{image.Height}.", nameof(probability));
        }

        var width = image.Width;
        var height = image.Height;
        var picture = new byte[width * height * 3];
        var trimap = new byte[width * height];
        var gray = image.Pixels;
        var p = probability.Pixels;
        int target = 0, background = 0;
        for (var i = 0; i < trimap.Length; i++)
        {
            picture[3 * i] = ToByte(gray[i]);
            picture[(3 * i) + 1] = ToByte(p[i] * 255f);
            var label = p[i] >= options.SureForeground ? GrabCutClasses.FGD
                : p[i] <= options.SureBackground ? GrabCutClasses.BGD
                : p[i] >= options.Threshold ? GrabCutClasses.PR_FGD
                : GrabCutClasses.PR_BGD;
            trimap[i] = (byte)label;
            if (label is GrabCutClasses.FGD or GrabCutClasses.PR_FGD)
            {
                target++;
            }
            else
            {
                background++;
            }
        }

        var result = new GrayImage(width, height);
        var output = result.Pixels;
        if (target == 0 || background == 0)
        {
            for (var i = 0; i < output.Length; i++)
            {
                output[i] = p[i] >= options.Threshold ? 1f : 0f;
            }

            return result;
        }

        using var pictureMat = Mat.FromPixelData(height, width, MatType.CV_8UC3, picture);
        using var mask = Mat.FromPixelData(height, width, MatType.CV_8UC1, trimap);
        using var backgroundModel = new Mat();
        using var foregroundModel = new Mat();
        // GrabCut seeds its colour models by k-means++ from the thread's RNG, whose state depends on what ran on the thread
        // before: reset it so the same map gives the same mask on any thread, every time.
        Cv2.SetTheRNG(uint.MaxValue);
        Cv2.GrabCut(pictureMat, mask, default, backgroundModel, foregroundModel, options.Iterations, GrabCutModes.InitWithMask);
        mask.GetArray(out byte[] labels);
        for (var i = 0; i < output.Length; i++)
        {
            output[i] = labels[i] is (byte)GrabCutClasses.FGD or (byte)GrabCutClasses.PR_FGD ? 1f : 0f;
        }

        return result;
    }

    private static byte ToByte(float value) => (byte)Math.Clamp(MathF.Round(value), 0f, 255f);
}
