using System.Net;
using System.Net.Http.Headers;

namespace SamMpa.Client.Gateway;

/// <summary>
/// One file of an upload, opened only when the request body reaches it and copied straight from disk: a folder of any
/// size goes out with one file open at a time and nothing held in memory. Its length is known up front, so the whole
/// multipart body has a Content-Length the gateway can refuse early (413) instead of after the upload.
/// </summary>
internal sealed class FileUploadContent : HttpContent
{
    private const int BufferSize = 81920;
    private readonly string _path;
    private readonly long _length;
    private readonly Action? _sent;

    /// <param name="sent">Called once the file is written to the request (upload progress).</param>
    public FileUploadContent(string path, Action? sent = null)
    {
        _path = path;
        _sent = sent;
        _length = new FileInfo(path).Length;
        Headers.ContentType = new MediaTypeHeaderValue(MediaTypeOf(path));
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        if (file.Length != _length)
        {
            throw new IOException($"{_path} changed while it was being uploaded ({_length:N0} bytes, now {file.Length:N0}); upload again.");
        }

        await file.CopyToAsync(stream, BufferSize, cancellationToken);
        _sent?.Invoke();
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }

    private static string MediaTypeOf(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".png" => "image/png",
        ".jpg" or ".jpeg" => "image/jpeg",
        ".bmp" => "image/bmp",
        _ => "application/octet-stream",
    };
}
