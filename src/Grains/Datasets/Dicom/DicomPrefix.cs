using SamMpa.Dicom.Import;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets.Dicom;

/// <summary>
/// Whether a blob prefix holds DICOM: a dataset reads a prefix in place only while it holds images alone, and the front
/// ends (the CLI's ingest --prefix, the gateway's POST /datasets with a prefix) convert one with .dcm blobs instead.
/// </summary>
public static class DicomPrefix
{
    /// <summary>The prefix's own images and .dcm blobs (not those of sub-folders), by name; null when none is DICOM.</summary>
    public static async Task<IReadOnlyList<string>?> ListWithDicomAsync(IBlobStore blobs, string prefix, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        var names = new List<string>();
        await foreach (var name in blobs.ListAsync(prefix, cancellationToken))
        {
            var relative = name[prefix.Length..];
            if (!relative.Contains('/', StringComparison.Ordinal)
                && (DicomFiles.IsDicomName(relative) || ImageFile.SupportedExtensions.Contains(Path.GetExtension(relative))))
            {
                names.Add(relative);
            }
        }

        return names.Any(DicomFiles.IsDicomName) ? names : null;
    }
}
