using SamMpa.Dicom.Import;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Storage;

namespace SamMpa.Client.Cluster;

/// <summary>
/// A blob prefix that holds DICOM instances, copied to a temporary folder (removed on dispose). A prefix is read in
/// place only while it holds images alone: DICOM must be converted (a 16-bit PNG per frame, its provenance, the
/// instance kept for the SEGs), which the folder path does, so such a prefix is ingested as that folder would be. Only
/// the prefix's own images and .dcm blobs are copied; a blob too large to copy is named, and the others go on.
/// </summary>
internal sealed class PrefixCopy : IDisposable
{
    /// <summary>The largest blob copied: one instance, or one image, held in memory on its way to the folder.</summary>
    public const long MaxBlobBytes = 1L << 30;

    private readonly List<string> _failures = [];

    private PrefixCopy(string folder) => Folder = folder;

    /// <summary>The temporary folder with the prefix's images and DICOM files.</summary>
    public string Folder { get; }

    /// <summary>How many .dcm blobs the prefix holds.</summary>
    public int DicomBlobs { get; private set; }

    /// <summary>The blobs not copied, each with why.</summary>
    public IReadOnlyList<string> Failures => _failures;

    /// <summary>A copy of <paramref name="prefix"/> when it holds a .dcm blob of its own; null when it holds none (it is read in place).</summary>
    public static async Task<PrefixCopy?> OfDicomPrefixAsync(IBlobStore blobs, string prefix, CancellationToken cancellationToken)
    {
        if (await DicomPrefix.ListWithDicomAsync(blobs, prefix, cancellationToken) is not { } names)
        {
            return null;
        }

        var copy = new PrefixCopy(Directory.CreateTempSubdirectory("sammpa-prefix-").FullName) { DicomBlobs = names.Count(DicomFiles.IsDicomName) };
        try
        {
            foreach (var relative in names)
            {
                await copy.CopyAsync(blobs, prefix, relative, cancellationToken);
            }

            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Gone already.
        }
    }

    private async Task CopyAsync(IBlobStore blobs, string prefix, string relative, CancellationToken cancellationToken)
    {
        var blob = prefix + relative;
        var file = ResourceId.Validate(relative, $"blob {blob}");
        byte[]? content;
        try
        {
            content = await blobs.ReadAsync(blob, MaxBlobBytes, cancellationToken);
        }
        catch (BlobTooLargeException e)
        {
            _failures.Add($"{blob}: not copied: {e.Message}");
            return;
        }

        // Listed but deleted since: nothing to ingest of it.
        if (content is not null)
        {
            await File.WriteAllBytesAsync(Path.Combine(Folder, file), content, cancellationToken);
        }
    }
}
