using SamMpa.Imaging.Images;

namespace SamMpa.Dicom.Import;

/// <summary>
/// Turns a DICOM Part-10 file into dataset images, the one converter behind every DICOM source (the CLI's folders, the
/// gateway's uploads): each frame as read by <see cref="DicomImageReader"/> (grey levels, MONOCHROME1, rescale, window)
/// becomes a 16-bit grey PNG, value v of the 0..255 scale written as round(v * 257), so 12- and 16-bit precision is
/// kept. A file that cannot be read is a <see cref="DicomReadException"/> naming it; the caller goes on with the others.
/// </summary>
public sealed class DicomImporter(DicomImageReader reader)
{
    public DicomImporter()
        : this(new DicomImageReader())
    {
    }

    public DicomImageReader Reader { get; } = reader ?? throw new ArgumentNullException(nameof(reader));

    /// <exception cref="DicomReadException">The file cannot be read as grey images; the message names it and says why.</exception>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public async Task<DicomImport> ImportAsync(string path, CancellationToken cancellationToken = default)
    {
        using var instance = await Reader.ReadAsync(path, cancellationToken);
        var header = instance.Header;
        if (header.Provenance.SopInstanceUid.Length == 0)
        {
            // The instance is kept under its SOP Instance UID and segmentations reference it by that UID.
            throw new DicomReadException(path, "has no SOP Instance UID (0008,0018); an instance must be identified to be kept and referenced");
        }

        var images = new DicomImportedImage[instance.Frames.Count];
        for (var frame = 0; frame < images.Length; frame++)
        {
            images[frame] = new DicomImportedImage(
                DicomFiles.ImageName(path, frame, images.Length), frame, Png16Encoder.Encode(instance.Frames[frame]));
        }

        // The reader checked the length against the limit before reading; this reads what it read.
        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        return new DicomImport(path, content, header, images);
    }
}
