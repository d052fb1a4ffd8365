using Generated = SamMpa.Imaging.Phantoms.PhantomDataset;

namespace SamMpa.Tests.Evaluation;

/// <summary>A temporary folder of phantom images and masks laid out as `sammpa eval` expects.</summary>
internal sealed class PhantomDataset : IDisposable
{
    public PhantomDataset(int count, int size = 64)
    {
        Root = Directory.CreateTempSubdirectory("sammpa-eval-").FullName;

        // Two anatomies, each under several deformations: a few natural clusters.
        Generated.Write(Root, count, seed: 1, size, anatomies: 2);
    }

    public string Root { get; }

    public string ImagesDirectory => Generated.ImagesDirectory(Root);

    public string MasksDirectory => Generated.MasksDirectory(Root);

    public string OutputDirectory => Path.Combine(Root, "out");

    /// <summary>Storage of the embedded silo the eval runs on (blobs, grain state).</summary>
    public string HomeDirectory => Path.Combine(Root, "home");

    public static string Name(int i) => Generated.Name(i);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
