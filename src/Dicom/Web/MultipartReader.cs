using System.Buffers;
using System.Text;

namespace SamMpa.Dicom.Web;

/// <summary>The headers of one multipart part and how many body bytes were copied.</summary>
internal sealed record MultipartPart(string ContentType, IReadOnlyDictionary<string, string> Headers, long Length);

/// <summary>
/// Reads a multipart body (RFC 2046, as WADO-RS sends multipart/related) part by part, copying each part's body to a
/// destination as it arrives: memory stays one pooled buffer whatever the size of the parts.
/// </summary>
internal sealed class MultipartReader : IDisposable
{
    private const int BufferSize = 64 * 1024;
    private const int MaxHeaderBytes = 16 * 1024;

    private readonly Stream _source;
    private readonly byte[] _delimiter;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _started;
    private bool _finished;

    public MultipartReader(Stream source, string boundary)
    {
        _source = source;
        _delimiter = Encoding.ASCII.GetBytes("\r\n--" + boundary);
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        // The first delimiter may open the body without a CRLF before it: one is put in front so every delimiter looks alike.
        _buffer[0] = (byte)'\r';
        _buffer[1] = (byte)'\n';
        _end = 2;
    }

    /// <summary>
    /// Copies the next part's body to <paramref name="destination"/>; its headers and length, or null after the last part.
    /// </summary>
    /// <exception cref="FormatException">The body is not multipart with this boundary, or ends inside a part.</exception>
    /// <exception cref="InvalidDataException">The part is longer than <paramref name="maxBytes"/>.</exception>
    public async Task<MultipartPart?> CopyNextPartAsync(Stream destination, long maxBytes, CancellationToken ct)
    {
        if (!_started)
        {
            _started = true;
            await CopyToDelimiterAsync(Stream.Null, long.MaxValue, "before the first boundary", ct); // the preamble
            _finished = await ReadAfterDelimiterAsync(ct);
        }

        if (_finished)
        {
            return null;
        }

        var headers = await ReadHeadersAsync(ct);
        var length = await CopyToDelimiterAsync(destination, maxBytes, "inside a part", ct);
        _finished = await ReadAfterDelimiterAsync(ct);
        var contentType = headers.TryGetValue("Content-Type", out var type) ? type : "";
        return new MultipartPart(contentType, headers, length);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private async Task<long> CopyToDelimiterAsync(Stream destination, long maxBytes, string where, CancellationToken ct)
    {
        long copied = 0;
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf(_delimiter);
            // Without a delimiter, all but its length less one may go: a delimiter can only begin after them.
            var count = index >= 0 ? index : Math.Max(0, _end - _start - (_delimiter.Length - 1));
            copied += count;
            if (copied > maxBytes)
            {
                throw new InvalidDataException($"the part is longer than {maxBytes:N0} bytes");
            }

            await destination.WriteAsync(_buffer.AsMemory(_start, count), ct);
            _start += count;
            if (index >= 0)
            {
                _start += _delimiter.Length;
                return copied;
            }

            if (!await FillAsync(ct))
            {
                throw new FormatException($"the multipart body ends {where}, without the closing boundary");
            }
        }
    }

    // After a delimiter: "--" closes the body (true); otherwise optional padding, then CRLF before the part's headers.
    private async Task<bool> ReadAfterDelimiterAsync(CancellationToken ct)
    {
        while (_end - _start < 2)
        {
            if (!await FillAsync(ct))
            {
                throw new FormatException("the multipart body ends right after a boundary");
            }
        }

        if (_buffer[_start] == '-' && _buffer[_start + 1] == '-')
        {
            return true;
        }

        var line = await ReadLineAsync(ct);
        if (line.Trim(' ', '\t').Length > 0)
        {
            throw new FormatException("a multipart boundary is followed by text on its line");
        }

        return false;
    }

    private async Task<Dictionary<string, string>> ReadHeadersAsync(CancellationToken ct)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var total = 0;
        while (true)
        {
            var line = await ReadLineAsync(ct);
            total += line.Length + 2;
            if (line.Length == 0)
            {
                return headers;
            }

            if (total > MaxHeaderBytes)
            {
                throw new FormatException($"a part's headers are longer than {MaxHeaderBytes:N0} bytes");
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                throw new FormatException($"a part's header line '{Excerpt(line)}' has no name");
            }

            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
    }

    private async Task<string> ReadLineAsync(CancellationToken ct)
    {
        while (true)
        {
            var index = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8);
            if (index >= 0)
            {
                var line = Encoding.Latin1.GetString(_buffer, _start, index);
                _start += index + 2;
                return line;
            }

            if (_end - _start > MaxHeaderBytes)
            {
                throw new FormatException($"a part's header line is longer than {MaxHeaderBytes:N0} bytes");
            }

            if (!await FillAsync(ct))
            {
                throw new FormatException("the multipart body ends inside a part's headers");
            }
        }
    }

    // Moves what is left to the front and reads more behind it; false at the end of the source.
    private async Task<bool> FillAsync(CancellationToken ct)
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await _source.ReadAsync(_buffer.AsMemory(_end), ct);
        _end += read;
        return read > 0;
    }

    private static string Excerpt(string text) => text.Length <= 80 ? text : text[..80] + "...";
}
