using System.IO.Compression;
using SamMpa.Storage;

namespace SamMpa.Client.Gateway;

/// <summary>
/// Unpacks the ZIP of a run that the gateway serves (report.json, results.csv, masks/, coarse/, seg/) into a folder, in the
/// layout of a download from the cluster. Only those entries are taken, each file name checked, so an entry can never
/// write outside the folder.
/// </summary>
internal static class ResultArchive
{
    public const string Report = "report.json";
    public const string Csv = "results.csv";
    public const string Masks = "masks";
    public const string Coarse = "coarse";
    public const string Seg = "seg";

    /// <returns>
    /// How many final masks, coarse masks (only with <paramref name="coarse"/>) and DICOM SEGs (of images read from DICOM)
    /// were written.
    /// </returns>
    public static (int Masks, int Coarse, int Segs) Extract(string zipPath, string folder, bool coarse, string dataset)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        int masks = 0, coarseMasks = 0, segs = 0;
        foreach (var entry in zip.Entries)
        {
            var name = entry.FullName;
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            var (subfolder, file) = slash < 0 ? (null, name) : (name[..slash], name[(slash + 1)..]);
            var target = (subfolder, file) switch
            {
                (null, Report or Csv) => Path.Combine(folder, file),
                (Masks, _) => Path.Combine(folder, Masks, ResourceId.Validate(file, $"mask in the results of dataset '{dataset}'")),
                (Coarse, _) when coarse => Path.Combine(folder, Coarse, ResourceId.Validate(file, $"coarse mask in the results of dataset '{dataset}'")),
                (Coarse, _) => null,
                (Seg, _) => Path.Combine(folder, Seg, ResourceId.Validate(file, $"DICOM SEG in the results of dataset '{dataset}'")),
                _ => throw new InvalidDataException(
                    $"The results of dataset '{dataset}' hold '{name}', which is not a result file ({Report}, {Csv}, {Masks}/, {Coarse}/, {Seg}/); nothing more was unpacked."),
            };
            if (target is null)
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            // Written beside and renamed: a file in the folder is always whole.
            var temporary = target + ".part";
            entry.ExtractToFile(temporary, overwrite: true);
            File.Move(temporary, target, overwrite: true);
            masks += subfolder == Masks ? 1 : 0;
            coarseMasks += subfolder == Coarse ? 1 : 0;
            segs += subfolder == Seg ? 1 : 0;
        }

        return (masks, coarseMasks, segs);
    }
}
