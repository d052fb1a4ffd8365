using SamMpa.Dicom.Import;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets.Dicom;

/// <summary>
/// What one imported DICOM instance puts into a dataset: each frame's PNG under images/, its provenance under
/// provenance/, and the instance itself under dicom/{SOP Instance UID}.dcm. One place for every DICOM source (the
/// CLI's folders, the gateway's uploads), so a dataset's DICOM blobs look the same whoever made them.
/// </summary>
public static class DicomDatasetBlobs
{
    /// <summary>A blob to write: images and the instance are write-once (kept when already there), provenance follows its image.</summary>
    public sealed record Blob(string Name, byte[] Content, bool IsImage);

    /// <exception cref="ArgumentException">An image name or the SOP Instance UID cannot name a blob; the message names it.</exception>
    public static IReadOnlyList<Blob> Of(string dataset, DicomImport import)
    {
        ArgumentNullException.ThrowIfNull(import);
        var instanceBlob = SourceInstanceBlob(dataset, import);
        var blobs = new List<Blob>(1 + (2 * import.Images.Count));
        foreach (var image in import.Images)
        {
            blobs.Add(new Blob(DatasetBlobLayout.Image(dataset, image.Name), image.Png, IsImage: true));
            blobs.Add(new Blob(
                DatasetBlobLayout.Provenance(dataset, image.Name),
                DicomImageProvenance.Of(import.Header, image.Frame, import.SourceFile, instanceBlob).ToJson(),
                IsImage: false));
        }

        blobs.Add(new Blob(instanceBlob, import.Content, IsImage: false));
        return blobs;
    }

    /// <exception cref="ArgumentException">The SOP Instance UID cannot name a blob; the message names the file.</exception>
    public static string SourceInstanceBlob(string dataset, DicomImport import)
    {
        ArgumentNullException.ThrowIfNull(import);
        try
        {
            return DatasetBlobLayout.SourceInstance(dataset, import.Provenance.SopInstanceUid);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{import.SourceFile}: its SOP Instance UID cannot name a blob ({e.Message})", e);
        }
    }
}
