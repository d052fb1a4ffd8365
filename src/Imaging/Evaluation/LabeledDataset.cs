using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Evaluation;

/// <summary>
/// A folder of images and a folder of masks paired by file name (or by name without extension).
/// Opening it checks every pair before any work starts, so a bad item stops the run before anything is written.
/// </summary>
public sealed class LabeledDataset
{
    private const int MaxProblemsListed = 20;

    private LabeledDataset(string imagesDirectory, string masksDirectory, IReadOnlyList<LabeledImage> images)
    {
        ImagesDirectory = imagesDirectory;
        MasksDirectory = masksDirectory;
        Images = images;
    }

    public string ImagesDirectory { get; }

    public string MasksDirectory { get; }

    public IReadOnlyList<LabeledImage> Images { get; }

    /// <param name="moreImages">
    /// Images made from the folder's other files (each frame of a DICOM instance, as a PNG elsewhere), paired with masks
    /// by their own names like the folder's images.
    /// </param>
    public static LabeledDataset Open(string imagesDirectory, string masksDirectory, IReadOnlyList<string>? moreImages = null)
    {
        RequireDirectory(imagesDirectory, "images");
        RequireDirectory(masksDirectory, "masks");

        var imagePaths = ListImages(imagesDirectory)
            .Concat(moreImages ?? [])
            .OrderBy(p => Path.GetFileName(p), StringComparer.Ordinal)
            .ToList();
        if (imagePaths.Count == 0)
        {
            throw new DatasetException(
                $"{imagesDirectory}: no images found (expected files ending in {string.Join(", ", ImageFile.SupportedExtensions.Order())}).");
        }

        var masksByStem = ListImages(masksDirectory)
            .GroupBy(p => Path.GetFileNameWithoutExtension(p), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);

        var problems = new List<string>();
        var images = new List<LabeledImage>(imagePaths.Count);
        foreach (var imagePath in imagePaths)
        {
            var name = Path.GetFileName(imagePath);
            var maskPath = FindMask(masksDirectory, name, masksByStem);
            if (maskPath is null)
            {
                problems.Add($"{imagePath}: no mask for this image in {masksDirectory} (expected {name} or the same name with another image extension).");
                continue;
            }

            try
            {
                var (width, height) = ImageFile.ReadSize(imagePath);
                var (maskWidth, maskHeight) = ImageFile.ReadSize(maskPath);
                if (maskWidth != width || maskHeight != height)
                {
                    problems.Add($"{maskPath}: mask is {maskWidth}x{maskHeight} but its image {imagePath} is {width}x{height}.");
                    continue;
                }

                images.Add(new LabeledImage(name, imagePath, maskPath, width, height));
            }
            catch (InvalidImageException e)
            {
                problems.Add(e.Message);
            }
        }

        if (problems.Count > 0)
        {
            var listed = string.Join(Environment.NewLine, problems.Take(MaxProblemsListed).Select(p => "  " + p));
            var more = problems.Count > MaxProblemsListed ? $"{Environment.NewLine}  ... and {problems.Count - MaxProblemsListed} more" : string.Empty;
            throw new DatasetException($"{problems.Count} of {imagePaths.Count} images cannot be used:{Environment.NewLine}{listed}{more}");
        }

        return new LabeledDataset(imagesDirectory, masksDirectory, images);
    }

    private static void RequireDirectory(string path, string role)
    {
        if (!Directory.Exists(path))
        {
            throw new DatasetException($"{path}: the {role} folder does not exist.");
        }
    }

    private static List<string> ListImages(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(p => ImageFile.SupportedExtensions.Contains(Path.GetExtension(p)))
            .Order(StringComparer.Ordinal)
            .ToList();

    private static string? FindMask(string masksDirectory, string imageName, Dictionary<string, string[]> masksByStem)
    {
        var sameName = Path.Combine(masksDirectory, imageName);
        if (File.Exists(sameName))
        {
            return sameName;
        }

        return masksByStem.TryGetValue(Path.GetFileNameWithoutExtension(imageName), out var candidates) && candidates.Length == 1
            ? candidates[0]
            : null;
    }
}
