using OpenCvSharp;

namespace SamMpa.Grains.Services;

/// <summary>
/// What OpenCV throws when it cannot do the work (its native library missing or unloadable, an error inside it):
/// GrabCut and the texture features turn it into an error naming the image instead of failing the whole job.
/// </summary>
internal static class OpenCvFailure
{
    public static bool Is(Exception e) => e is OpenCVException or DllNotFoundException or TypeInitializationException;
}
