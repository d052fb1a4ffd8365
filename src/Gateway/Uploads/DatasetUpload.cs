using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SamMpa.Dicom;
using SamMpa.Dicom.Import;
using SamMpa.Gateway.Errors;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Storage;

namespace SamMpa.Gateway.Uploads;

/// <summary>
/// A multipart upload that creates a dataset, read section by section and streamed into blob storage as it arrives
/// (never held whole in memory or on disk). Form fields come first: <c>id</c> (the dataset id, required) and
/// <c>workingSize</c>; then files, each named by its file name: <c>images</c> parts go to the dataset's images, <c>truth</c>
/// parts (named like their image, or its mask name) to its ground truth. Blobs already there are kept (write-once).
/// An <c>images</c> part named <c>*.dcm</c> is a DICOM instance: imported as the CLI does (one 16-bit PNG per frame,
/// its provenance, the instance kept); one that cannot be read is named in the answer and the others go on.
/// </summary>
internal static class DatasetUpload
{
    public const string IdField = "id";
    public const string WorkingSizeField = "workingSize";
    public const string ImagesField = "images";
    public const string TruthField = "truth";

    /// <summary>The form fields, read up to the first file part; the reader is left at that part.</summary>
    public sealed record Fields(string Dataset, int WorkingSize, MultipartSection? FirstFile);

    /// <param name="NotIngested">Each DICOM part that could not be imported, "file: reason".</param>
    public sealed record Outcome(int Uploaded, int Kept, int Truth, IReadOnlyList<string> NotIngested);

    public static void AllowLongBody(HttpContext context, GatewaySettings settings)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = settings.MaxUploadBytes;
        }

        if (context.Request.ContentLength > settings.MaxUploadBytes)
        {
            throw new PayloadTooLargeException($"The upload is {context.Request.ContentLength:N0} bytes, above the limit of {settings.MaxUploadBytes:N0} bytes (Gateway:MaxUploadBytes).");
        }
    }

    public static MultipartReader ReaderOf(HttpRequest request)
    {
        var boundary = MediaTypeHeaderValue.TryParse(request.ContentType, out var type)
            ? HeaderUtilities.RemoveQuotes(type.Boundary).Value
            : null;
        return string.IsNullOrEmpty(boundary)
            ? throw new ArgumentException("The upload is multipart/form-data without a boundary.")
            : new MultipartReader(boundary, request.Body) { HeadersLengthLimit = 16 * 1024 };
    }

    public static async Task<Fields> ReadFieldsAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        string? dataset = null;
        var workingSize = 256;
        MultipartSection? section;
        while ((section = await reader.ReadNextSectionAsync(cancellationToken)) is not null)
        {
            var disposition = section.GetContentDispositionHeader()
                ?? throw new ArgumentException("An upload part has no Content-Disposition header.");
            if (disposition.IsFileDisposition())
            {
                break;
            }

            var name = disposition.Name.Value;
            var value = await new StreamReader(new LengthLimitedStream(section.Body, 1024, $"form field '{name}'")).ReadToEndAsync(cancellationToken);
            switch (name)
            {
                case IdField:
                    dataset = ResourceId.Validate(value.Trim(), "dataset");
                    break;
                case WorkingSizeField:
                    workingSize = int.TryParse(value, out var size)
                        ? size
                        : throw new ArgumentException($"Form field '{WorkingSizeField}' is '{value}', not a whole number.");
                    break;
                default:
                    throw new ArgumentException($"Form field '{name}' is unknown; the fields are '{IdField}' and '{WorkingSizeField}', then files under '{ImagesField}' and '{TruthField}'.");
            }
        }

        return new Fields(
            dataset ?? throw new ArgumentException($"The upload has no '{IdField}' field before its files: send the dataset id first."),
            workingSize,
            section);
    }

    /// <summary>Streams every file part from <paramref name="first"/> on into the dataset's blobs.</summary>
    public static async Task<Outcome> StoreFilesAsync(
        MultipartReader reader, MultipartSection? first, string dataset, IBlobStore blobs, GatewaySettings settings, CancellationToken cancellationToken)
    {
        int uploaded = 0, kept = 0, truth = 0, files = 0;
        var notIngested = new List<string>();
        for (var section = first; section is not null; section = await reader.ReadNextSectionAsync(cancellationToken))
        {
            var disposition = section.GetContentDispositionHeader()
                ?? throw new ArgumentException("An upload part has no Content-Disposition header.");
            var field = disposition.Name.Value;
            var fileName = Path.GetFileName(disposition.FileName.Value ?? disposition.FileNameStar.Value ?? string.Empty);
            if (!disposition.IsFileDisposition() || string.IsNullOrEmpty(fileName))
            {
                throw new ArgumentException($"Upload part '{field}' is not a file, or has no file name; form fields go before the files.");
            }

            if (++files > settings.MaxUploadFiles)
            {
                throw new PayloadTooLargeException($"The upload has more than {settings.MaxUploadFiles:N0} files (Gateway:MaxUploadFiles).");
            }

            if (field == ImagesField && DicomFiles.IsDicomName(fileName))
            {
                var instance = new LengthLimitedStream(section.Body, settings.MaxFileBytes, $"{field} file {fileName}");
                var (written, existing, failure) = await StoreDicomAsync(instance, fileName, dataset, blobs, cancellationToken);
                uploaded += written;
                kept += existing;
                if (failure is not null)
                {
                    notIngested.Add(failure);
                }

                continue;
            }

            var blob = field switch
            {
                ImagesField => DatasetBlobLayout.Image(dataset, fileName),
                TruthField => DatasetBlobLayout.Truth(dataset, fileName),
                _ => throw new ArgumentException($"Upload part '{field}' (file {fileName}) is unknown; files go under '{ImagesField}' or '{TruthField}'."),
            };
            var content = new LengthLimitedStream(section.Body, settings.MaxFileBytes, $"{field} file {fileName}");
            if (await blobs.TryCreateAsync(blob, content, cancellationToken))
            {
                uploaded++;
            }
            else
            {
                kept++;
                // The part must still be read to reach the next one.
                await content.CopyToAsync(Stream.Null, cancellationToken);
            }

            truth += field == TruthField ? 1 : 0;
        }

        return new Outcome(uploaded, kept, truth, notIngested);
    }

    /// <summary>
    /// A DICOM part imported through a temporary file (the reader and its decompressors take files): its images,
    /// provenance and the instance written; the images counted as written or kept, or the failure naming the file.
    /// </summary>
    internal static async Task<(int Uploaded, int Kept, string? Failure)> StoreDicomAsync(
        Stream content, string fileName, string dataset, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var folder = Directory.CreateTempSubdirectory("sammpa-upload-dicom-");
        try
        {
            var path = Path.Combine(folder.FullName, fileName);
            await using (var file = File.Create(path))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            IReadOnlyList<DicomDatasetBlobs.Blob> items;
            try
            {
                items = DicomDatasetBlobs.Of(dataset, await new DicomImporter().ImportAsync(path, cancellationToken));
            }
            catch (DicomReadException e)
            {
                return (0, 0, $"{fileName}: {e.Reason}");
            }
            catch (ArgumentException e)
            {
                return (0, 0, $"{fileName}: {e.Message}");
            }

            int uploaded = 0, kept = 0;
            foreach (var item in items)
            {
                var created = await blobs.TryCreateAsync(item.Name, item.Content, cancellationToken);
                if (item.IsImage)
                {
                    uploaded += created ? 1 : 0;
                    kept += created ? 0 : 1;
                }
            }

            return (uploaded, kept, null);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
