namespace SamMpa.Storage;

/// <summary>
/// Images, masks and embeddings by blob name ('/'-separated segments, each a valid <see cref="ResourceId"/>).
/// A local folder in development, Azure Blob Storage in production; both pass the same tests.
/// </summary>
public interface IBlobStore
{
    /// <summary>
    /// Writes the blob unless it already exists (then returns false and leaves it as it is): output written once,
    /// so a retried operation never duplicates or replaces it.
    /// </summary>
    Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="TryCreateAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/> from a stream read once to its end
    /// and never held whole in memory (an upload passed on as it arrives). A stream that throws leaves no blob.
    /// </summary>
    Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken);

    /// <summary>Writes the blob, replacing any earlier content; readers see the old or the new blob, never a part.</summary>
    Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>The blob's content, or null when there is no such blob.</summary>
    Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken);

    /// <summary>
    /// The blob's content, or null when there is no such blob; a blob longer than <paramref name="maxBytes"/> is refused
    /// from its length, before its content is transferred, so a huge blob never reaches memory.
    /// </summary>
    /// <exception cref="BlobTooLargeException">The blob is longer than <paramref name="maxBytes"/>.</exception>
    Task<byte[]?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Names of the blobs under <paramref name="prefix"/> (a folder, ending in '/'), in ordinal order.</summary>
    IAsyncEnumerable<string> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>Deletes the blob; false when there was none.</summary>
    Task<bool> DeleteAsync(string name, CancellationToken cancellationToken);
}
