using SamMpa.Imaging.Images;
using SamMpa.Imaging.Phantoms;

namespace SamMpa.Tests.Evaluation;

/// <summary>A temporary folder of phantom images and masks laid out as `sammpa eval` expects.</summary>
internal sealed class PhantomDataset : IDisposable
{
    public PhantomDataset(int count, int size = 64)
    {
        Root = Directory.CreateTempSubdirectory("sammpa-eval-").FullName;
        Directory.CreateDirectory(ImagesDirectory);
        Directory.CreateDirectory(MasksDirectory);
        for (var i = 0; i < count; i++)
        {
            // Two anatomies, each under several deformations: a few natural clusters.
            var (image, mask) = Phantoms.CreateDeformed(size, seed: 1 + (i % 2), deformationSeed: 100 + i);
            using (image)
            using (mask)
            {
                MaskFile.WriteGrayPng(image, Path.Combine(ImagesDirectory, Name(i)));
                MaskFile.WritePng(mask, Path.Combine(MasksDirectory, Name(i)));
            }
        }
    }

    public string Root { get; }

    public string ImagesDirectory => Path.Combine(Root, "images");

    public string MasksDirectory => Path.Combine(Root, "masks");

    public string OutputDirectory => Path.Combine(Root, "out");

    public string CacheDirectory => Path.Combine(Root, "cache");

    public static string Name(int i) => $"case_{i:D2}.png";

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
