using System.Security.Cryptography;
using System.Text;
using SamMpa.Client.Evaluation;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Sam;

namespace SamMpa.Client.Cluster;

/// <summary>
/// The dataset id `sammpa eval` uses for a labelled folder: the same folders, working size and encoder reuse their
/// dataset and its embeddings; changed files, another working size or another encoder make a new one (a dataset keeps
/// the embeddings of the encoder it was created with, and SAM decodes SAM embeddings only).
/// </summary>
internal static class EvalDatasetId
{
    /// <summary>Encoder of the default embedding (no --sam, no --sam-encoder).</summary>
    public const string DefaultEncoder = "resnet18";

    /// <param name="sources">
    /// For images made from other files (a DICOM instance's frames, staged in a temporary folder each time): the file
    /// each was made from, named instead of the staged copy, so the same instances find the same dataset again.
    /// </param>
    public static string Of(EvalOptions options, LabeledDataset labeled, IReadOnlyDictionary<string, string>? sources = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(labeled);
        var listing = new StringBuilder()
            .Append(options.WorkingSize).Append('\n')
            .Append(EncoderOf(options)).Append('\n');
        foreach (var image in labeled.Images)
        {
            if (sources is not null && sources.TryGetValue(image.ImagePath, out var source))
            {
                listing.Append(image.Name).Append(" from ");
                AppendFile(listing, source);
            }
            else
            {
                AppendFile(listing, image.ImagePath);
            }

            AppendFile(listing, image.MaskPath);
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())))[..16];
        var name = new string(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.ImagesDirectory)))
            .Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').Take(40).ToArray());
        return $"eval-{(name.Length == 0 ? "images" : name)}-{hash}";
    }

    /// <summary>
    /// What the silo will embed with, as the silo chooses it: a SAM package's encoder (its manifest and encoder file),
    /// else the --sam-encoder file, else ResNet18. Files are named by path, size and time, like the images.
    /// </summary>
    public static string EncoderOf(EvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var listing = new StringBuilder();
        if (options.SamPackageDirectory is { } package)
        {
            var manifest = SamPackageManifest.Read(package);
            listing.Append("sam-package\n").Append(manifest.ToJson()).Append('\n');
            AppendFile(listing, Path.Combine(package, manifest.Encoder));
        }
        else if (!string.IsNullOrEmpty(options.SamEncoderPath))
        {
            listing.Append("sam-encoder\n");
            AppendFile(listing, options.SamEncoderPath);
        }
        else
        {
            return DefaultEncoder;
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())))[..16];
    }

    private static void AppendFile(StringBuilder listing, string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new FileNotFoundException($"{info.FullName}: file not found.", info.FullName);
        }

        listing.Append(info.FullName).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
    }
}
