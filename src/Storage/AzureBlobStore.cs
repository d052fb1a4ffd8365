using System.Net;
using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace SamMpa.Storage;

/// <summary>
/// Blobs in one Azure Blob Storage container (production; Azurite in development and tests). The container is
/// created on first use when it is missing. Create-if-absent is a conditional upload (If-None-Match: *), so of
/// two writers of the same output exactly one wins; a single upload replaces a blob as a whole, so readers see
/// the old or the new content, never a part.
/// </summary>
/// <remarks>
/// Failures other than the expected "not found" and "already exists" answers (storage unreachable, access denied,
/// the service's own errors) surface as an <see cref="IOException"/> whose message names the account, the
/// container and the blob, with the Azure SDK's exception inside.
/// </remarks>
public sealed class AzureBlobStore : IBlobStore
{
    private readonly BlobContainerClient _container;
    private volatile bool _containerExists;

    public AzureBlobStore(BlobContainerClient container)
    {
        ArgumentNullException.ThrowIfNull(container);
        _container = container;
    }

    /// <summary>A store over <paramref name="container"/> in the account of <paramref name="connectionString"/>.</summary>
    public static AzureBlobStore FromConnectionString(string connectionString, string container)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentException.ThrowIfNullOrEmpty(container);
        return new AzureBlobStore(new BlobContainerClient(connectionString, container));
    }

    public string AccountName => _container.AccountName;

    public string ContainerName => _container.Name;

    public async Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var blob = BlobOf(name);
        await EnsureContainerAsync(name, cancellationToken);
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        try
        {
            await blob.UploadAsync(new BinaryData(content), options, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            // 409 BlobAlreadyExists, or 412 ConditionNotMet when another upload committed first.
            return false;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("create", name, e);
        }
    }

    /// <remarks>The SDK uploads the stream in blocks and commits them at the end: a stream that fails leaves no blob.</remarks>
    public async Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var blob = BlobOf(name);
        await EnsureContainerAsync(name, cancellationToken);
        var options = new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } };
        try
        {
            await blob.UploadAsync(content, options, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status is (int)HttpStatusCode.Conflict or (int)HttpStatusCode.PreconditionFailed)
        {
            return false;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("create", name, e);
        }
    }

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var blob = BlobOf(name);
        await EnsureContainerAsync(name, cancellationToken);
        try
        {
            await blob.UploadAsync(new BinaryData(content), overwrite: true, cancellationToken);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("write", name, e);
        }
    }

    public async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var blob = BlobOf(name);
        await EnsureContainerAsync(name, cancellationToken);
        try
        {
            var result = await blob.DownloadContentAsync(cancellationToken);
            return result.Value.Content.ToArray();
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("read", name, e);
        }
    }

    /// <remarks>
    /// One streaming download: its response headers give the length, and a blob above the limit is refused before its
    /// body is read (the connection is dropped with the response).
    /// </remarks>
    public async Task<byte[]?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var blob = BlobOf(name);
        await EnsureContainerAsync(name, cancellationToken);
        try
        {
            var result = await blob.DownloadStreamingAsync(cancellationToken: cancellationToken);
            using var download = result.Value;
            var length = download.Details.ContentLength;
            // A byte array holds at most Array.MaxLength bytes, whatever the caller accepts.
            if (length > Math.Min(maxBytes, Array.MaxLength))
            {
                throw new BlobTooLargeException(name, length, Math.Min(maxBytes, Array.MaxLength));
            }

            var content = GC.AllocateUninitializedArray<byte>((int)length);
            await download.Content.ReadExactlyAsync(content, cancellationToken);
            return content;
        }
        catch (RequestFailedException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception e) when (e is not BlobTooLargeException && IsStorageFailure(e))
        {
            throw Failure("read", name, e);
        }
    }

    public async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken)
    {
        var blob = BlobOf(name);
        await EnsureContainerAsync(name, cancellationToken);
        try
        {
            return (await blob.ExistsAsync(cancellationToken)).Value;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("check", name, e);
        }
    }

    /// <remarks>
    /// The service lists in lexicographic order of the names' UTF-8 bytes, which for valid names (ASCII only) is
    /// ordinal order; the names are still sorted here so the contract holds whatever the service (or an emulator)
    /// does. Blobs whose names are not valid blob names (written by something else) are left out.
    /// </remarks>
    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        BlobName.PrefixSegments(prefix);
        await EnsureContainerAsync(prefix, cancellationToken);
        var names = new List<string>();
        try
        {
            var blobs = _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken);
            await foreach (var item in blobs)
            {
                if (IsValidName(item.Name))
                {
                    names.Add(item.Name);
                }
            }
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("list", prefix, e);
        }

        names.Sort(StringComparer.Ordinal);
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }
    }

    public async Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var blob = BlobOf(name);
        await EnsureContainerAsync(name, cancellationToken);
        try
        {
            var deleted = await blob.DeleteIfExistsAsync(DeleteSnapshotsOption.IncludeSnapshots, conditions: null, cancellationToken);
            return deleted.Value;
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("delete", name, e);
        }
    }

    private BlobClient BlobOf(string name)
    {
        BlobName.Segments(name);
        return _container.GetBlobClient(name);
    }

    // Once the container is known to exist it is not asked for again; a failed attempt is retried on the next call.
    private async Task EnsureContainerAsync(string name, CancellationToken cancellationToken)
    {
        if (_containerExists)
        {
            return;
        }

        try
        {
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        }
        catch (Exception e) when (IsStorageFailure(e))
        {
            throw Failure("create the container for", name, e);
        }

        _containerExists = true;
    }

    private static bool IsValidName(string name)
    {
        try
        {
            BlobName.Segments(name);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // RequestFailedException: the service answered with an error, or (status 0) no answer came. The SDK's retry
    // policy wraps the attempts of a request that never got an answer in an AggregateException.
    private static bool IsStorageFailure(Exception e) =>
        e is RequestFailedException or AggregateException or HttpRequestException or IOException;

    private IOException Failure(string operation, string name, Exception e)
    {
        var reason = e is RequestFailedException { Status: > 0 } answered
            ? $"the service answered {answered.Status} {answered.ErrorCode}"
            : "the storage service could not be reached";
        return new IOException(
            $"Could not {operation} blob '{name}' in Azure Blob Storage account '{_container.AccountName}', " +
            $"container '{_container.Name}' ({_container.Uri}): {reason}. {FirstLine(e.Message)}",
            e);
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
