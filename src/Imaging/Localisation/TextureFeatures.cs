using OpenCvSharp;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// Multi-scale Gaussian-derivative responses of the working image, averaged onto the feature grid: at each scale sigma
/// (working pixels) the smoothed intensity, the gradient magnitude, the Laplacian of Gaussian and the two Hessian
/// eigenvalues, the derivatives scale-normalised (times sigma, sigma^2) so a blob answers alike at its own scale. They
/// describe what the ImageNet features miss on ultrasound: a dark or bright blob of a given size and how sharp its rim
/// is. Through the cluster at K = 10 (the default stages, loc+rf chosen, the smoothed intensities at half weight in the
/// prototypes): busi 0.4893 to 0.5701, cxr-lung 0.8787 to 0.8818 (bench/RESULTS.md).
/// Computed from the working image when the model is fitted or applied, so stored feature maps stay as they are.
/// Values are on the image's 0..255 scale. Needs OpenCvSharp's native library, as GrabCut does.
/// </summary>
public static class TextureFeatures
{
    /// <summary>Scales in working pixels (a 256 grid): from speckle to a lesion's size.</summary>
    public static readonly IReadOnlyList<double> Sigmas = [1, 2, 4, 8, 16];

    /// <summary>Responses per scale: smoothed, gradient magnitude, Laplacian, larger and smaller Hessian eigenvalue.</summary>
    public const int PerScale = 5;

    /// <summary>Index of the smoothed intensity among a scale's responses.</summary>
    public const int Smoothed = 0;

    public static int Count => Sigmas.Count * PerScale;

    /// <summary>
    /// <see cref="Count"/> planes of gridWidth x gridHeight values (plane-major, row-major cells), each the mean response
    /// over the pixels a cell covers.
    /// </summary>
    public static float[] OnGrid(GrayImage working, int gridWidth, int gridHeight)
    {
        ArgumentNullException.ThrowIfNull(working);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(gridHeight);
        var cells = gridWidth * gridHeight;
        var result = new float[Count * cells];
        var n = working.Length;
        using var source = Mat.FromPixelData(working.Height, working.Width, MatType.CV_32FC1, working.Pixels.ToArray());
        using var smoothed = new Mat();
        using var dx = new Mat();
        using var dy = new Mat();
        using var dxx = new Mat();
        using var dyy = new Mat();
        using var dxy = new Mat();
        using var plane = new GrayImage(working.Width, working.Height);
        // The smoothed image is read from its Mat; the other responses are computed here.
        var responses = new float[PerScale][];
        for (var r = 1; r < PerScale; r++)
        {
            responses[r] = new float[n];
        }

        for (var s = 0; s < Sigmas.Count; s++)
        {
            var sigma = Sigmas[s];
            Cv2.GaussianBlur(source, smoothed, new Size(0, 0), sigma, sigma, BorderTypes.Reflect);
            // 3x3 Sobel kernels, scaled to central differences: first order sums to 8, second order to 4.
            Cv2.Sobel(smoothed, dx, MatType.CV_32F, 1, 0, 3, 1.0 / 8);
            Cv2.Sobel(smoothed, dy, MatType.CV_32F, 0, 1, 3, 1.0 / 8);
            Cv2.Sobel(smoothed, dxx, MatType.CV_32F, 2, 0, 3, 1.0 / 4);
            Cv2.Sobel(smoothed, dyy, MatType.CV_32F, 0, 2, 3, 1.0 / 4);
            Cv2.Sobel(smoothed, dxy, MatType.CV_32F, 1, 1, 3, 1.0 / 4);
            smoothed.GetArray(out responses[Smoothed]);
            dx.GetArray(out float[] gx);
            dy.GetArray(out float[] gy);
            dxx.GetArray(out float[] hxx);
            dyy.GetArray(out float[] hyy);
            dxy.GetArray(out float[] hxy);
            var s1 = (float)sigma;
            var s2 = (float)(sigma * sigma);
            for (var i = 0; i < n; i++)
            {
                responses[1][i] = s1 * MathF.Sqrt((gx[i] * gx[i]) + (gy[i] * gy[i]));
                var a = hxx[i] * s2;
                var c = hyy[i] * s2;
                var d = hxy[i] * s2;
                var half = MathF.Sqrt(((a - c) * (a - c) / 4) + (d * d));
                responses[2][i] = a + c;
                responses[3][i] = ((a + c) / 2) + half;
                responses[4][i] = ((a + c) / 2) - half;
            }

            for (var r = 0; r < PerScale; r++)
            {
                responses[r].CopyTo(plane.Pixels);
                GridSampling.ToGrid(plane, gridWidth, gridHeight).CopyTo(result.AsSpan(((s * PerScale) + r) * cells, cells));
            }
        }

        return result;
    }
}
