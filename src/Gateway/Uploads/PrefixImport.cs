using SamMpa.Dicom.Import;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Storage;

namespace SamMpa.Gateway.Uploads;

/// <summary>
/// A blob prefix that holds DICOM instances, imported into the dataset's own folder as an upload of its files would be:
/// a prefix is read in place only while it holds images alone, and DICOM must be converted (a 16-bit PNG per frame, its
/// provenance, the instance kept for the SEGs). The prefix's own images are copied beside them; a blob that cannot be
/// taken is named in <c>notIngested</c> with its reason, and the others go on.
/// </summary>
internal static class PrefixImport
{
    /// <summary>Imports <paramref name="names"/> (from <see cref="DicomPrefix.ListWithDicomAsync"/>) of <paramref name="prefix"/> into <paramref name="dataset"/>.</summary>
    /// <exception cref="ArgumentException">No image could be taken; the message names each blob with its reason.</exception>
    public static async Task<DatasetUpload.Outcome> ImportAsync(
        string prefix, IReadOnlyList<string> names, string dataset, IBlobStore blobs, GatewaySettings settings, CancellationToken cancellationToken)
    {
        int uploaded = 0, kept = 0;
        var notIngested = new List<string>();
        foreach (var name in names)
        {
            byte[]? content;
            try
            {
                content = await blobs.ReadAsync(prefix + name, settings.MaxFileBytes, cancellationToken);
            }
            catch (BlobTooLargeException e)
            {
                notIngested.Add($"{name}: {e.Message} (Gateway:MaxFileBytes)");
                continue;
            }

            if (content is null)
            {
                // Listed, then deleted: nothing of it to take.
                continue;
            }

            var (written, existing, failure) = DicomFiles.IsDicomName(name)
                ? await DatasetUpload.StoreDicomAsync(new MemoryStream(content, writable: false), name, dataset, blobs, cancellationToken)
                : await blobs.TryCreateAsync(DatasetBlobLayout.Image(dataset, name), new MemoryStream(content, writable: false), cancellationToken) ? (1, 0, null) : (0, 1, null);
            uploaded += written;
            kept += existing;
            if (failure is not null)
            {
                notIngested.Add(failure);
            }
        }

        return uploaded + kept > 0 ? new DatasetUpload.Outcome(uploaded, kept, 0, notIngested)
            : throw new ArgumentException($"'{prefix}' holds DICOM, and no image of it could be taken: {string.Join("; ", notIngested)}.");
    }
}
