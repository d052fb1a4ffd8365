using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Evaluation;

/// <summary>An image and its ground-truth mask on the working grid, with the way back to the original grid.</summary>
internal sealed class PreparedImage : IDisposable
{
    private PreparedImage(LabeledImage source, WorkingGeometry geometry, GrayImage working, GrayImage workingMask)
    {
        Source = source;
        Geometry = geometry;
        Working = working;
        WorkingMask = workingMask;
    }

    public LabeledImage Source { get; }

    public WorkingGeometry Geometry { get; }

    public GrayImage Working { get; }

    /// <summary>The ground-truth mask resampled bilinearly to the working grid: soft, in [0, 1].</summary>
    public GrayImage WorkingMask { get; }

    public static PreparedImage Load(LabeledImage source, int workingSize)
    {
        using var image = ImageFile.Read(source.ImagePath);
        using var mask = ImageFile.ReadMask(source.MaskPath);
        var geometry = WorkingGeometry.For(image, workingSize);
        return new PreparedImage(source, geometry, geometry.ToWorking(image), geometry.MaskToWorking(mask));
    }

    public void Dispose()
    {
        Working.Dispose();
        WorkingMask.Dispose();
    }
}
