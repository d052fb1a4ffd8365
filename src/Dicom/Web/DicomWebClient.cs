using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace SamMpa.Dicom.Web;

/// <summary>
/// A DICOMweb client (PS3.18): QIDO-RS searches for studies, series and instances (DICOM JSON), WADO-RS retrieves of
/// Part-10 instances (multipart/related, streamed to a file or stream), and STOW-RS stores (multipart/related, one
/// or more instances, each reported stored or failed by name and UID). Errors are <see cref="DicomWebException"/>s
/// naming the URL and the study, series or instance; HTTP failures give the status and a short excerpt of the body.
/// </summary>
public sealed class DicomWebClient : IDisposable
{
    /// <summary>What WADO-RS is asked for: Part-10 instances in whatever transfer syntax the archive holds them.</summary>
    public const string InstanceAccept = "multipart/related; type=\"application/dicom\"; transfer-syntax=*";

    private const int ExcerptLength = 300;
    private const int MaxStoreAnswerBytes = 16 * 1024 * 1024;

    // Attributes DicomWebMatch reads that servers do not return by default at every level.
    private static readonly string[] StudyFields = [DicomJsonModel.InstitutionName];
    private static readonly string[] SeriesFields = [DicomJsonModel.InstitutionName, DicomJsonModel.Manufacturer, DicomJsonModel.Modality];
    private static readonly string[] InstanceFields = [.. SeriesFields, DicomJsonModel.NumberOfFrames, DicomJsonModel.SopClassUid];

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly Uri _root;
    private readonly AuthenticationHeaderValue? _authorization;

    /// <summary>A client with its own connection pool.</summary>
    /// <exception cref="ArgumentException">An option cannot be used; the message names each one.</exception>
    public DicomWebClient(DicomWebOptions options)
        : this(new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.All }), options, ownsHttp: true)
    {
    }

    /// <summary>A client sending through <paramref name="http"/> (not disposed with it; its own Timeout is not used).</summary>
    /// <exception cref="ArgumentException">An option cannot be used; the message names each one.</exception>
    public DicomWebClient(HttpClient http, DicomWebOptions options)
        : this(http, options, ownsHttp: false)
    {
    }

    private DicomWebClient(HttpClient http, DicomWebOptions options, bool ownsHttp)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems();
        if (problems.Count > 0)
        {
            if (ownsHttp)
            {
                http.Dispose();
            }

            throw new ArgumentException($"DICOMweb options cannot be used: {string.Join("; ", problems)}", nameof(options));
        }

        _http = http;
        _ownsHttp = ownsHttp;
        if (ownsHttp)
        {
            _http.Timeout = Timeout.InfiniteTimeSpan; // each request has Options.Timeout, its body included
        }

        Options = options;
        _root = options.ServiceRootUri;
        _authorization =
            options.BearerToken.Length > 0 ? new AuthenticationHeaderValue("Bearer", options.BearerToken)
            : options.UserName.Length > 0 ? new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.UserName}:{options.Password}")))
            : null;
    }

    public DicomWebOptions Options { get; }

    /// <summary>QIDO-RS /studies: the studies matching <paramref name="query"/> (one page when it has a limit).</summary>
    public Task<IReadOnlyList<DicomWebMatch>> SearchStudiesAsync(DicomWebQuery? query = null, CancellationToken ct = default) =>
        SearchAsync("studies", query ?? new DicomWebQuery(), StudyFields, "studies", ct);

    /// <summary>QIDO-RS /series, or /studies/{study}/series within one study.</summary>
    public Task<IReadOnlyList<DicomWebMatch>> SearchSeriesAsync(DicomWebQuery? query = null, string? studyInstanceUid = null, CancellationToken ct = default)
    {
        var (path, scope) = studyInstanceUid is null
            ? ("series", "series")
            : ($"studies/{CheckUid(studyInstanceUid, "study")}/series", $"series of study {studyInstanceUid}");
        return SearchAsync(path, query ?? new DicomWebQuery(), SeriesFields, scope, ct);
    }

    /// <summary>QIDO-RS /instances, /studies/{study}/instances or /studies/{study}/series/{series}/instances.</summary>
    public Task<IReadOnlyList<DicomWebMatch>> SearchInstancesAsync(
        DicomWebQuery? query = null, string? studyInstanceUid = null, string? seriesInstanceUid = null, CancellationToken ct = default)
    {
        var (path, scope) = InstancesPath(studyInstanceUid, seriesInstanceUid);
        return SearchAsync(path, query ?? new DicomWebQuery(), InstanceFields, scope, ct);
    }

    /// <summary>
    /// Every instance matching <paramref name="query"/> in the scope, page by page (<see cref="DicomWebOptions.PageSize"/>
    /// with limit and offset) until a page comes back short.
    /// </summary>
    public async IAsyncEnumerable<DicomWebMatch> SearchAllInstancesAsync(
        DicomWebQuery? query = null, string? studyInstanceUid = null, string? seriesInstanceUid = null, [EnumeratorCancellation] CancellationToken ct = default)
    {
        var (path, scope) = InstancesPath(studyInstanceUid, seriesInstanceUid);
        query ??= new DicomWebQuery();
        for (var offset = 0; ; offset += Options.PageSize)
        {
            var page = await SearchAsync(path, query.Page(Options.PageSize, offset), InstanceFields, scope, ct);
            foreach (var match in page)
            {
                yield return match;
            }

            if (page.Count < Options.PageSize)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// WADO-RS: the instance as Part-10 bytes, written to <paramref name="destination"/> as they arrive.
    /// </summary>
    /// <returns>The number of bytes written.</returns>
    public async Task<long> RetrieveInstanceAsync(
        string studyInstanceUid, string seriesInstanceUid, string sopInstanceUid, Stream destination, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var path = $"studies/{CheckUid(studyInstanceUid, "study")}/series/{CheckUid(seriesInstanceUid, "series")}/instances/{CheckUid(sopInstanceUid, "instance")}";
        var what = $"instance {sopInstanceUid} (study {studyInstanceUid}, series {seriesInstanceUid})";
        using var request = NewRequest(HttpMethod.Get, path, "");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(InstanceAccept));
        return await SendAsync(request, "WADO-RS", what, async (response, url, token) =>
        {
            await using var body = await response.Content.ReadAsStreamAsync(token);
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "";
            if (mediaType.Equals("application/dicom", StringComparison.OrdinalIgnoreCase))
            {
                // A server may send the single instance bare rather than as one part.
                return await CopyLimitedAsync(body, destination, url, what, token);
            }

            if (!mediaType.Equals("multipart/related", StringComparison.OrdinalIgnoreCase))
            {
                throw new DicomWebException(url, $"WADO-RS {url}: {what} came back as '{response.Content.Headers.ContentType}', not multipart/related Part-10", response.StatusCode);
            }

            var boundary = Boundary(response.Content.Headers.ContentType!, url, what);
            using var reader = new MultipartReader(body, boundary);
            MultipartPart? part;
            try
            {
                part = await reader.CopyNextPartAsync(destination, Options.MaxInstanceBytes, token);
                if (part is not null && await reader.CopyNextPartAsync(Stream.Null, long.MaxValue, token) is not null)
                {
                    throw new DicomWebException(url, $"WADO-RS {url}: more than one part came back for {what}", response.StatusCode);
                }
            }
            catch (FormatException e)
            {
                throw new DicomWebException(url, $"WADO-RS {url}: the multipart answer for {what} cannot be read: {e.Message}", response.StatusCode, e);
            }
            catch (InvalidDataException e)
            {
                throw new DicomWebException(url, $"WADO-RS {url}: {what} is abandoned: {e.Message} ({DicomWebOptions.SectionName}:{nameof(DicomWebOptions.MaxInstanceBytes)})", response.StatusCode, e);
            }

            if (part is null)
            {
                throw new DicomWebException(url, $"WADO-RS {url}: the answer for {what} holds no part", response.StatusCode);
            }

            if (!part.ContentType.StartsWith("application/dicom", StringComparison.OrdinalIgnoreCase))
            {
                throw new DicomWebException(url, $"WADO-RS {url}: the part for {what} is '{part.ContentType}', not application/dicom", response.StatusCode);
            }

            return part.Length;
        }, ct);
    }

    /// <summary>
    /// WADO-RS to a file: written beside <paramref name="path"/> and moved there when complete, so a failed retrieve
    /// leaves no partial file.
    /// </summary>
    public async Task<long> RetrieveInstanceAsync(
        string studyInstanceUid, string seriesInstanceUid, string sopInstanceUid, string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var partial = path + ".part";
        try
        {
            long length;
            await using (var file = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
            {
                length = await RetrieveInstanceAsync(studyInstanceUid, seriesInstanceUid, sopInstanceUid, file, ct);
            }

            File.Move(partial, path, overwrite: true);
            return length;
        }
        finally
        {
            File.Delete(partial);
        }
    }

    /// <summary>
    /// Every instance of a series, found with QIDO-RS and retrieved one by one with WADO-RS into
    /// <paramref name="folder"/> as {SOPInstanceUID}.dcm.
    /// </summary>
    /// <returns>Each instance's match and the file it was written to, in the server's order.</returns>
    public async Task<IReadOnlyList<(DicomWebMatch Instance, string Path)>> RetrieveSeriesAsync(
        string studyInstanceUid, string seriesInstanceUid, string folder, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        CheckUid(studyInstanceUid, "study");
        CheckUid(seriesInstanceUid, "series");
        Directory.CreateDirectory(folder);
        var retrieved = new List<(DicomWebMatch, string)>();
        await foreach (var instance in SearchAllInstancesAsync(null, studyInstanceUid, seriesInstanceUid, ct))
        {
            // The UID names the file: checked as a UID first, so it cannot name a path outside the folder.
            var uid = CheckUid(instance.SopInstanceUid, $"instance of series {seriesInstanceUid} (SOP Instance UID from QIDO-RS)");
            var path = Path.Combine(folder, uid + ".dcm");
            await RetrieveInstanceAsync(studyInstanceUid, seriesInstanceUid, uid, path, ct);
            retrieved.Add((instance, path));
        }

        return retrieved;
    }

    /// <summary>
    /// STOW-RS: stores <paramref name="uploads"/> in one multipart/related POST to /studies (or /studies/{study}, which
    /// makes the server refuse instances of another study). Each upload comes back stored or failed with its reason:
    /// the server's Failed SOP Sequence entry, or, for an upload it does not mention, why not (not Part-10, say).
    /// </summary>
    /// <exception cref="DicomWebException">The server answered with an error and no readable per-instance answer.</exception>
    public async Task<DicomWebStoreResult> StoreAsync(IReadOnlyList<DicomWebUpload> uploads, string? studyInstanceUid = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(uploads);
        if (uploads.Count == 0)
        {
            throw new ArgumentException("nothing to store: no uploads given", nameof(uploads));
        }

        var declared = new List<(DicomWebUpload Upload, string SopInstanceUid, string? Problem)>(uploads.Count);
        foreach (var upload in uploads)
        {
            declared.Add(await DeclaredUidAsync(upload, ct));
        }

        var path = studyInstanceUid is null ? "studies" : $"studies/{CheckUid(studyInstanceUid, "study")}";
        var what = $"{uploads.Count} instance(s){(studyInstanceUid is null ? "" : $" into study {studyInstanceUid}")}";
        using var request = NewRequest(HttpMethod.Post, path, "");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
        using var content = new MultipartContent("related", $"sammpa-{Guid.NewGuid():N}");
        content.Headers.ContentType!.Parameters.Add(new NameValueHeaderValue("type", "\"application/dicom\""));
        var streams = new List<Stream>(uploads.Count);
        try
        {
            foreach (var upload in uploads)
            {
                var stream = upload.Open();
                streams.Add(stream);
                var part = new StreamContent(stream, 81920);
                part.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
                content.Add(part);
            }

            request.Content = content;
            return await SendAsync(request, "STOW-RS", what, async (response, url, token) =>
            {
                var (referenced, failed) = await ReadStoreAnswerAsync(response, url, what, token);
                return Reconcile(url, declared, referenced, failed, response.StatusCode);
            }, ct, acceptFailureStatus: true);
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private async Task<IReadOnlyList<DicomWebMatch>> SearchAsync(
        string path, DicomWebQuery query, IEnumerable<string> fields, string scope, CancellationToken ct)
    {
        var problems = query.Problems();
        if (problems.Count > 0)
        {
            throw new ArgumentException($"QIDO-RS query for {scope} cannot be sent: {string.Join("; ", problems)}", nameof(query));
        }

        using var request = NewRequest(HttpMethod.Get, path, query.ToQueryString(fields));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
        var what = $"{scope} matching {query}";
        return await SendAsync(request, "QIDO-RS", what, async (response, url, token) =>
        {
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return (IReadOnlyList<DicomWebMatch>)[];
            }

            try
            {
                await using var body = await response.Content.ReadAsStreamAsync(token);
                using var json = await JsonDocument.ParseAsync(body, default, token);
                return DicomJsonModel.ReadMatches(json.RootElement);
            }
            catch (Exception e) when (e is JsonException or FormatException)
            {
                throw new DicomWebException(url, $"QIDO-RS {url}: the answer for {what} is not DICOM JSON: {e.Message}", response.StatusCode, e);
            }
        }, ct);
    }

    // Sends the request with the time limit over the whole exchange, turning every failure into a DicomWebException
    // that names the URL and what was asked for. Error statuses are read here (status and an excerpt of the body)
    // unless acceptFailureStatus lets the handler read a DICOM JSON answer that comes with them (STOW-RS).
    private async Task<T> SendAsync<T>(
        HttpRequestMessage request, string operation, string what, Func<HttpResponseMessage, string, CancellationToken, Task<T>> handle, CancellationToken ct,
        bool acceptFailureStatus = false)
    {
        var url = request.RequestUri!.ToString();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(Options.Timeout);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode && !(acceptFailureStatus && response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Conflict))
            {
                var excerpt = await ExcerptAsync(response, timeout.Token);
                var meaning = response.StatusCode switch
                {
                    HttpStatusCode.NotFound => $"the server has no {what}",
                    HttpStatusCode.Unauthorized => "the server wants credentials (DicomWeb:UserName and Password, or BearerToken)",
                    HttpStatusCode.Forbidden => "the credentials may not do this",
                    _ => $"the server refused the request for {what}",
                };
                throw new DicomWebException(
                    url, $"{operation} {request.Method} {url}: {(int)response.StatusCode} {response.ReasonPhrase}: {meaning}{(excerpt.Length > 0 ? $"; the server said: {excerpt}" : "")}", response.StatusCode);
            }

            return await handle(response, url, timeout.Token);
        }
        catch (OperationCanceledException e) when (timeout.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new DicomWebException(url, $"{operation} {request.Method} {url}: no complete answer for {what} within {Options.Timeout} ({DicomWebOptions.SectionName}:{nameof(DicomWebOptions.Timeout)})", null, e);
        }
        catch (HttpRequestException e)
        {
            throw new DicomWebException(url, $"{operation} {request.Method} {url}: the request for {what} failed: {e.Message}", e.StatusCode, e);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new DicomWebException(url, $"{operation} {request.Method} {url}: the transfer of {what} broke off: {e.Message}", null, e);
        }
    }

    private HttpRequestMessage NewRequest(HttpMethod method, string path, string queryString)
    {
        var url = new Uri(_root, queryString.Length == 0 ? path : $"{path}?{queryString}");
        var request = new HttpRequestMessage(method, url);
        request.Headers.Authorization = _authorization;
        return request;
    }

    private async Task<long> CopyLimitedAsync(Stream body, Stream destination, string url, string what, CancellationToken ct)
    {
        var buffer = new byte[81920];
        long copied = 0;
        int read;
        while ((read = await body.ReadAsync(buffer, ct)) > 0)
        {
            copied += read;
            if (copied > Options.MaxInstanceBytes)
            {
                throw new DicomWebException(
                    url, $"WADO-RS {url}: {what} is abandoned: longer than {Options.MaxInstanceBytes:N0} bytes ({DicomWebOptions.SectionName}:{nameof(DicomWebOptions.MaxInstanceBytes)})");
            }

            await destination.WriteAsync(buffer.AsMemory(0, read), ct);
        }

        return copied;
    }

    private static async Task<(DicomWebUpload Upload, string SopInstanceUid, string? Problem)> DeclaredUidAsync(DicomWebUpload upload, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(upload.SopInstanceUid))
        {
            return (upload, upload.SopInstanceUid, null);
        }

        var prefix = new byte[DicomFileMeta.PrefixLength];
        int length;
        try
        {
            await using var stream = upload.Open();
            length = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, ct);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{upload.Name}: cannot be read to store it ({e.Message})", e);
        }

        var (_, sopInstanceUid, problem) = DicomFileMeta.Read(prefix.AsSpan(0, length), upload.Name);
        return (upload, sopInstanceUid, problem);
    }

    private static async Task<(List<(string SopInstanceUid, string SopClassUid)> Referenced, List<(string SopInstanceUid, string Reason)> Failed)> ReadStoreAnswerAsync(
        HttpResponseMessage response, string url, string what, CancellationToken ct)
    {
        var referenced = new List<(string, string)>();
        var failed = new List<(string, string)>();
        if (response.StatusCode == HttpStatusCode.NoContent)
        {
            return (referenced, failed);
        }

        // The answer lists one entry per instance: small, read whole (up to a limit) so that an error status's
        // non-JSON body can still be quoted.
        using var buffer = new MemoryStream();
        await using (var body = await response.Content.ReadAsStreamAsync(ct))
        {
            var chunk = new byte[81920];
            int read;
            while (buffer.Length < MaxStoreAnswerBytes && (read = await body.ReadAsync(chunk, ct)) > 0)
            {
                buffer.Write(chunk, 0, read);
            }
        }

        var answer = buffer.GetBuffer();
        var length = (int)buffer.Length;

        try
        {
            using var json = JsonDocument.Parse(answer.AsMemory(0, length));
            var root = json.RootElement;
            foreach (var item in DicomJsonModel.ReadSequence(root, DicomJsonModel.ReferencedSopSequence))
            {
                var attributes = DicomJsonModel.ReadAttributes(item);
                referenced.Add((First(attributes, DicomJsonModel.ReferencedSopInstanceUid), First(attributes, DicomJsonModel.ReferencedSopClassUid)));
            }

            foreach (var item in DicomJsonModel.ReadSequence(root, DicomJsonModel.FailedSopSequence))
            {
                var attributes = DicomJsonModel.ReadAttributes(item);
                failed.Add((First(attributes, DicomJsonModel.ReferencedSopInstanceUid), FailureReason(First(attributes, DicomJsonModel.FailureReason))));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            var excerpt = Excerpt(Encoding.UTF8.GetString(answer, 0, Math.Min(length, ExcerptLength * 4)));
            var outcome = response.IsSuccessStatusCode ? "" : $"{(int)response.StatusCode} {response.ReasonPhrase}: the server refused {what}; ";
            throw new DicomWebException(
                url, $"STOW-RS POST {url}: {outcome}the answer is not DICOM JSON ({e.Message}){(excerpt.Length > 0 ? $"; the server said: {excerpt}" : "")}", response.StatusCode, e);
        }

        return (referenced, failed);
    }

    // Every upload once: stored when the server references its UID, failed with the server's reason when it lists
    // it as failed, and otherwise failed with why it was not mentioned (what the server said overall, and what is
    // wrong with the file when it is not Part-10).
    private static DicomWebStoreResult Reconcile(
        string url,
        List<(DicomWebUpload Upload, string SopInstanceUid, string? Problem)> declared,
        List<(string SopInstanceUid, string SopClassUid)> referenced,
        List<(string SopInstanceUid, string Reason)> failed,
        HttpStatusCode status)
    {
        var stored = new List<DicomWebStoredInstance>();
        var failures = new List<DicomWebStoreFailure>();
        var unmatched = referenced.ToList();
        foreach (var (upload, uid, problem) in declared)
        {
            var reference = uid.Length == 0 ? -1 : unmatched.FindIndex(r => r.SopInstanceUid == uid);
            if (reference >= 0)
            {
                stored.Add(new DicomWebStoredInstance(upload.Name, uid, unmatched[reference].SopClassUid));
                unmatched.RemoveAt(reference);
                continue;
            }

            var failure = uid.Length == 0 ? -1 : failed.FindIndex(f => f.SopInstanceUid == uid);
            var reason =
                failure >= 0 ? failed[failure].Reason
                : problem is not null ? $"not stored (HTTP {(int)status}); {problem}"
                : $"not stored: the server's answer (HTTP {(int)status}) neither references nor lists it as failed";
            failures.Add(new DicomWebStoreFailure(upload.Name, uid, reason));
        }

        return new DicomWebStoreResult(url, stored, failures);
    }

    private static string First(Dictionary<string, IReadOnlyList<string>> attributes, string tag) =>
        attributes.TryGetValue(tag, out var values) && values.Count > 0 ? values[0] : "";

    // PS3.18 I.2.2 failure reasons (Failure Reason (0008,1197)), by code.
    private static string FailureReason(string code)
    {
        var known = code switch
        {
            "272" => "processing failure",
            "290" => "referenced SOP instance is not a member of the study (or no such SOP class)",
            "292" => "no such SOP class",
            "294" => "SOP class not supported",
            "42752" => "out of resources",
            "43264" => "data set does not match the SOP class",
            "49152" => "cannot understand",
            "49442" => "referenced transfer syntax not supported",
            "49443" => "the Study Instance UID does not match the target study",
            _ => "",
        };
        var shown = int.TryParse(code, out var number) ? $"0x{number:X4}" : code;
        return known.Length > 0 ? $"the server refused it: {known} (failure reason {shown})" : $"the server refused it (failure reason {(code.Length == 0 ? "not given" : shown)})";
    }

    private static string Boundary(MediaTypeHeaderValue contentType, string url, string what)
    {
        var boundary = contentType.Parameters.FirstOrDefault(p => p.Name.Equals("boundary", StringComparison.OrdinalIgnoreCase))?.Value?.Trim('"');
        return string.IsNullOrEmpty(boundary) || boundary.Length > 200
            ? throw new DicomWebException(url, $"WADO-RS {url}: the multipart answer for {what} has no usable boundary ('{contentType}')")
            : boundary;
    }

    private static async Task<string> ExcerptAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(ct);
            var buffer = new byte[ExcerptLength * 4];
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
            return Excerpt(Encoding.UTF8.GetString(buffer, 0, read));
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }

    // Whitespace (JSON's indentation) folded, then cut short.
    private static string Excerpt(string body)
    {
        var text = string.Join(' ', body.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return text.Length <= ExcerptLength ? text : text[..ExcerptLength] + "...";
    }

    private static (string Path, string Scope) InstancesPath(string? studyInstanceUid, string? seriesInstanceUid) =>
        (studyInstanceUid, seriesInstanceUid) switch
        {
            (null, null) => ("instances", "instances"),
            ({ } study, null) => ($"studies/{CheckUid(study, "study")}/instances", $"instances of study {study}"),
            ({ } study, { } series) => ($"studies/{CheckUid(study, "study")}/series/{CheckUid(series, "series")}/instances", $"instances of series {series} (study {study})"),
            (null, { }) => throw new ArgumentException("a series is searched within its study: give the Study Instance UID too", nameof(studyInstanceUid)),
        };

    // UIDs go into URL paths and file names: only digits and dots, as PS3.5 9.1 allows, 64 characters at most.
    private static string CheckUid(string uid, string what)
    {
        ArgumentNullException.ThrowIfNull(uid, what);
        var valid = uid.Length is > 0 and <= 64 &&
                    uid.All(c => char.IsAsciiDigit(c) || c == '.') &&
                    uid[0] != '.' && uid[^1] != '.' && !uid.Contains("..", StringComparison.Ordinal);
        return valid ? uid : throw new ArgumentException($"the {what} UID '{uid}' is not a DICOM UID (digits and dots, at most 64 characters)", what.Split(' ')[0]);
    }
}
