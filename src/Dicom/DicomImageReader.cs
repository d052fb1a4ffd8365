using SamMpa.Imaging.Images;

namespace SamMpa.Dicom;

/// <summary>
/// Reads DICOM Part-10 files as grey images with their provenance. The header is read here (<see cref="DicomHeaderReader"/>)
/// and checked (grey, bit layout, declared size within the limits) before any pixel is decoded; native pixel data is
/// decoded here, compressed pixel data made native first by a toolkit process (<see cref="DicomDecompression"/>).
/// Every failure is a <see cref="DicomReadException"/> naming the file.
/// </summary>
public sealed class DicomImageReader(DicomReadOptions options)
{
    public DicomImageReader()
        : this(new DicomReadOptions())
    {
    }

    public DicomReadOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>Reads the file at <paramref name="path"/>: every frame, with the header and provenance.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="DicomReadException">The file cannot be read as grey images; the message says why.</exception>
    public async Task<DicomInstance> ReadAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var content = await ReadFileAsync(path, ct);
        var limit = Options.Limits.MaxBytes;
        var file = DicomHeaderReader.Parse(content, path, limit);
        DicomPixelFormat.Check(file.Header, path, Options.Limits);

        if (file.Header.PixelDataEncapsulated)
        {
            if (file.Header.TransferSyntax.Encoding != DicomPixelEncoding.Encapsulated)
            {
                throw new DicomReadException(path, $"encapsulated pixel data in a file of the uncompressed transfer syntax {file.Header.TransferSyntax.Name}");
            }

            var native = await DicomDecompression.DecompressAsync(path, file.Header.TransferSyntax, Options, ct);
            file = NativeOf(file.Header, DicomHeaderReader.Parse(native, path, limit), path);
        }
        else if (file.Header.TransferSyntax.Encoding == DicomPixelEncoding.Encapsulated)
        {
            throw new DicomReadException(path, $"native pixel data in a file of the compressed transfer syntax {file.Header.TransferSyntax.Name}");
        }

        var table = DicomGrayscale.BuildTable(file.Header, Options);
        var frames = DicomNativePixels.Decode(file, table, path);
        return new DicomInstance(path, file.Header, frames);
    }

    // The decompressed file must describe the same image: a tool that changed it (a colour conversion, frames
    // dropped) is caught here rather than read as something else. The compressed file's transfer syntax is kept.
    private static DicomParsedFile NativeOf(DicomHeader compressed, DicomParsedFile native, string path)
    {
        var header = native.Header;
        if (header.PixelDataEncapsulated ||
            (header.Rows, header.Columns, header.NumberOfFrames, header.SamplesPerPixel, header.BitsAllocated) !=
            (compressed.Rows, compressed.Columns, compressed.NumberOfFrames, compressed.SamplesPerPixel, compressed.BitsAllocated))
        {
            throw new DicomReadException(
                path, $"the decompressed image ({header.Columns}x{header.Rows}, {header.NumberOfFrames} frame(s), {header.SamplesPerPixel} sample(s), {header.BitsAllocated} bits) is not the one the header declares ({compressed.Columns}x{compressed.Rows}, {compressed.NumberOfFrames} frame(s), {compressed.SamplesPerPixel} sample(s), {compressed.BitsAllocated} bits)");
        }

        return native with { Header = header with { TransferSyntax = compressed.TransferSyntax, PixelDataEncapsulated = true } };
    }

    // The file's length is checked before it is read, as every image file's is (ImageFile).
    private async Task<byte[]> ReadFileAsync(string path, CancellationToken ct)
    {
        try
        {
            var length = new FileInfo(path).Length;
            if (length > Options.Limits.MaxBytes)
            {
                throw new DicomReadException(
                    path, $"file is {length:N0} bytes, above the limit of {Options.Limits.MaxBytes:N0} bytes ({Options.Limits.MaxBytesSetting}); it was not read");
            }

            return await File.ReadAllBytesAsync(path, ct);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: file not found.", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DicomReadException(path, $"cannot be opened ({e.Message})", e);
        }
    }
}
