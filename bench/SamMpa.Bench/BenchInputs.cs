using SamMpa.Imaging.Phantoms;

namespace SamMpa.Bench;

/// <summary>
/// The image folders a suite measures on: with --quick, phantoms written to a scratch folder; otherwise each data set
/// under --data that has images/ and masks/ (one without them is skipped, and the log says so), at least one.
/// </summary>
internal static class BenchInputs
{
    public const int QuickImages = 12;
    public const int QuickSize = 128;
    public static readonly string[] DataSets = ["cxr-lung", "busi"];

    /// <param name="suite">The suite's name, for the log.</param>
    public static List<(string Name, string Images, string Masks)> Find(BenchOptions options, string scratch, string suite)
    {
        ArgumentNullException.ThrowIfNull(options);
        var inputs = new List<(string Name, string Images, string Masks)>();
        if (options.Quick)
        {
            var phantoms = Path.Combine(scratch, "phantoms");
            PhantomDataset.Write(phantoms, QuickImages, size: QuickSize);
            inputs.Add(($"phantoms ({QuickImages})", PhantomDataset.ImagesDirectory(phantoms), PhantomDataset.MasksDirectory(phantoms)));
            return inputs;
        }

        foreach (var name in DataSets)
        {
            var folder = Path.Combine(options.DataDirectory, name);
            if (Directory.Exists(Path.Combine(folder, "images")) && Directory.Exists(Path.Combine(folder, "masks")))
            {
                inputs.Add((name, Path.Combine(folder, "images"), Path.Combine(folder, "masks")));
            }
            else
            {
                BenchLog.Line($"{suite}: {folder} has no images/ and masks/: skipped");
            }
        }

        return inputs.Count > 0
            ? inputs
            : throw new DirectoryNotFoundException($"--data {options.DataDirectory}: neither {string.Join(" nor ", DataSets)} (with images/ and masks/) is there.");
    }
}
