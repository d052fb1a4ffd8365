namespace SamMpa.Imaging.Images;

/// <summary>
/// What a support's annotation must be to carry an outline to the queries: the image's size, some target, some
/// background. One rule for every place that accepts an annotation (the dataset's check, the HTTP gateway).
/// </summary>
public static class SupportAnnotation
{
    /// <summary>Why <paramref name="annotation"/> (a 0/1 mask) cannot be used for <paramref name="image"/>; null when it can.</summary>
    public static string? Problem(GrayImage annotation, string image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(annotation);
        if (annotation.Width != width || annotation.Height != height)
        {
            return $"annotation is {annotation.Width}x{annotation.Height} but image {image} is {width}x{height}";
        }

        if (!annotation.Pixels.ContainsAnyExcept(0f))
        {
            return "annotation is empty (no foreground pixel)";
        }

        // An outline that covers every pixel has no boundary to carry across: it is a mistake (an inverted or blank-white
        // mask), not an outline. Ground-truth masks are not checked here; they may be anything.
        return annotation.Pixels.ContainsAnyExcept(1f) ? null : "annotation covers every pixel (no background)";
    }
}
