using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Phantoms;

/// <summary>
/// A labelled folder of <see cref="Phantoms"/> laid out as `sammpa eval` reads it: <c>images/NAME.png</c> (8-bit gray)
/// and <c>masks/NAME.png</c> (0/255), NAME from <see cref="Name"/>. Image i shows anatomy <c>seed + i mod anatomies</c>
/// under deformation <c>100 seed + i</c>, so the images fall into a few natural clusters, one per anatomy.
/// The same arguments give the same files byte for byte; a file that already holds those bytes is left alone (its
/// time too), so writing the folder again keeps the id `sammpa eval` derives from it and the cluster reuses the
/// dataset and its embeddings.
/// </summary>
public static class PhantomDataset
{
    /// <summary>The side of the square images by default: the working size of the method, like a real archive.</summary>
    public const int DefaultSize = 256;

    /// <summary>Distinct anatomies by default (the natural clusters).</summary>
    public const int DefaultAnatomies = 3;

    private const string NamePrefix = "case_";

    public static string ImagesDirectory(string root) => Path.Combine(root, "images");

    public static string MasksDirectory(string root) => Path.Combine(root, "masks");

    /// <summary>The file name of image <paramref name="index"/> (and of its mask).</summary>
    public static string Name(int index) => $"{NamePrefix}{index:D2}.png";

    /// <summary>
    /// Writes <paramref name="count"/> images and masks under <paramref name="root"/> and returns their names in order.
    /// Phantom files of an earlier, larger dataset in the same folders (<c>case_*.png</c> not among them) are deleted.
    /// </summary>
    public static IReadOnlyList<string> Write(
        string root, int count, int seed = 1, int size = DefaultSize, int anatomies = DefaultAnatomies)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(anatomies, 1);

        var images = Directory.CreateDirectory(ImagesDirectory(root)).FullName;
        var masks = Directory.CreateDirectory(MasksDirectory(root)).FullName;
        var names = new string[count];
        for (var i = 0; i < count; i++)
        {
            var (name, imagePng, maskPng) = Create(i, seed, size, anatomies);
            names[i] = name;
            WriteIfChanged(Path.Combine(images, name), imagePng);
            WriteIfChanged(Path.Combine(masks, name), maskPng);
        }

        var current = names.ToHashSet(StringComparer.Ordinal);
        foreach (var folder in new[] { images, masks })
        {
            foreach (var stale in Directory.EnumerateFiles(folder, NamePrefix + "*.png").Where(f => !current.Contains(Path.GetFileName(f))).ToArray())
            {
                File.Delete(stale);
            }
        }

        return names;
    }

    /// <summary>
    /// Image <paramref name="index"/> of the dataset <see cref="Write"/> lays out, in memory: its file name, the image as
    /// an 8-bit gray PNG and its mask as a 0/255 PNG (for callers that put them somewhere other than a folder).
    /// </summary>
    public static (string Name, byte[] ImagePng, byte[] MaskPng) Create(
        int index, int seed = 1, int size = DefaultSize, int anatomies = DefaultAnatomies)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 8);
        ArgumentOutOfRangeException.ThrowIfLessThan(anatomies, 1);
        var (image, mask) = Phantoms.CreateDeformed(size, seed: seed + (index % anatomies), deformationSeed: unchecked((100 * seed) + index));
        using (image)
        using (mask)
        {
            return (Name(index), MaskFile.EncodeGrayPng(image), MaskFile.EncodePng(mask));
        }
    }

    private static void WriteIfChanged(string path, byte[] content)
    {
        if (File.Exists(path) && new FileInfo(path).Length == content.Length && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
        {
            return;
        }

        MaskFile.WriteAtomically(path, content);
    }
}
