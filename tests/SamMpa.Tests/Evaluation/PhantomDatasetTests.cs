using SamMpa.Imaging.Images;
using SamMpa.Imaging.Phantoms;
using Generated = SamMpa.Imaging.Phantoms.PhantomDataset;

namespace SamMpa.Tests.Evaluation;

public sealed class PhantomDatasetTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-phantoms-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Writing_again_leaves_identical_files_untouched_and_a_smaller_count_removes_the_rest()
    {
        var names = Generated.Write(_root, count: 5, seed: 7, size: 32);
        var images = Generated.ImagesDirectory(_root);
        var masks = Generated.MasksDirectory(_root);
        Assert.Equal(Enumerable.Range(0, 5).Select(Generated.Name), names);
        Assert.All(names, n => Assert.True(File.Exists(Path.Combine(masks, n)), $"expected the mask {n}"));
        var old = DateTime.UtcNow.AddDays(-1);
        File.SetLastWriteTimeUtc(Path.Combine(images, names[0]), old);
        var bytes = File.ReadAllBytes(Path.Combine(images, names[0]));

        Generated.Write(_root, count: 3, seed: 7, size: 32);

        Assert.Equal(old, File.GetLastWriteTimeUtc(Path.Combine(images, names[0])));
        Assert.Equal(bytes, File.ReadAllBytes(Path.Combine(images, names[0])));
        Assert.Equal(names.Take(3), Directory.GetFiles(images).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(names.Take(3), Directory.GetFiles(masks).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Images_of_one_anatomy_differ_by_their_deformation_and_the_masks_are_binary()
    {
        var names = Generated.Write(_root, count: 4, seed: 3, size: 48, anatomies: 2);

        using var first = ImageFile.Read(Path.Combine(Generated.MasksDirectory(_root), names[0]));
        using var third = ImageFile.Read(Path.Combine(Generated.MasksDirectory(_root), names[2]));
        Assert.All(first.Pixels.ToArray(), v => Assert.True(v is 0f or 255f, $"mask value {v}"));
        Assert.NotEqual(first.Pixels.ToArray(), third.Pixels.ToArray());
        Assert.InRange(first.Pixels.ToArray().Count(v => v > 0), 48 * 48 / 20, 48 * 48 / 2);
    }

    [Fact]
    public void A_seed_gives_the_same_phantom_in_every_process()
    {
        // Pinned: the noise and the deformation must not depend on a per-process hash salt.
        var (image, mask) = Phantoms.CreateDeformed(64, seed: 1, deformationSeed: 100);
        using (image)
        using (mask)
        {
            Assert.Equal(PinnedForeground, mask.Pixels.ToArray().Count(v => v > 0.5f));
            Assert.Equal(PinnedIntensitySum, Math.Round(image.Pixels.ToArray().Sum(v => (double)v)), 0);
        }
    }

    private const int PinnedForeground = 428;
    private const double PinnedIntensitySum = 251380;
}
