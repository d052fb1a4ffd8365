using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;
using SamMpa.Gateway.Errors;
using SamMpa.Storage;

namespace SamMpa.Gateway.Uploads;

/// <summary>
/// A multipart upload that creates a dataset, read section by section and streamed into blob storage as it arrives
/// (never held whole in memory or on disk). Form fields come first: <c>id</c> (the dataset id, required) and
/// <c>workingSize</c>; then files, each named by its file name: <c>images</c> parts go to the dataset's images, <c>truth</c>
/// parts (named like their image, or its mask name) to its ground truth. Blobs already there are kept (write-once).
/// </summary>
internal static class DatasetUpload
{
    public const string IdField = "id";
    public const string WorkingSizeField = "workingSize";
    public const string ImagesField = "images";
    public const string TruthField = "truth";

    /// <summary>The form fields, read up to the first file part; the reader is left at that part.</summary>
    public sealed record Fields(string Dataset, int WorkingSize, MultipartSection? FirstFile);

    public sealed record Outcome(int Uploaded, int Kept, int Truth);

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

        return new Outcome(uploaded, kept, truth);
    }
}
