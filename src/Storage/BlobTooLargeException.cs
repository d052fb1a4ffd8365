namespace SamMpa.Storage;

/// <summary>
/// A bounded read found the blob longer than the caller accepts; thrown from the blob's length alone, before any of its
/// content is transferred. The message names the blob, its length and the limit.
/// </summary>
public sealed class BlobTooLargeException : IOException
{
    public BlobTooLargeException(string name, long length, long maxBytes)
        : base($"{name}: blob is {length:N0} bytes, above the limit of {maxBytes:N0} bytes")
    {
        Name = name;
        Length = length;
        MaxBytes = maxBytes;
    }

    /// <summary>The blob's name.</summary>
    public string Name { get; }

    /// <summary>The blob's length in bytes.</summary>
    public long Length { get; }

    /// <summary>The most bytes the reader accepted.</summary>
    public long MaxBytes { get; }
}
