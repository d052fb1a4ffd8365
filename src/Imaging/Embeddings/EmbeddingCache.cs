using System.Security.Cryptography;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// On-disk cache of image embeddings: {directory}/{encoder.Id}/{contentHash}.f16, float16 values after a
/// 16-byte header (magic "SMPE", version, dimension, FNV-1a checksum of the payload). A file that is truncated,
/// foreign, of another dimension or corrupted is recomputed, never trusted. Files are written to a temporary
/// name and moved into place, so concurrent processes never read half a file.
/// Returned values are always the float16-rounded ones, so results do not depend on whether the cache was warm.
/// Thread-safe.
/// </summary>
public sealed class EmbeddingCache
{
    public const string Extension = ".f16";

    private int _hits;
    private int _misses;
    private int _rejected;

    public EmbeddingCache(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory = Path.GetFullPath(directory);
    }

    public string Directory { get; }

    /// <summary>Lookups answered from disk.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Lookups that ran the encoder.</summary>
    public int Misses => Volatile.Read(ref _misses);

    /// <summary>Cache files found unreadable (truncated, foreign, corrupted) and recomputed.</summary>
    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>Lowercase hex SHA-256 of the file's bytes.</summary>
    public static string ContentHash(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>The cache file for an image content hash and an encoder.</summary>
    public string PathFor(string contentHash, IImageEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        CheckName(contentHash, nameof(contentHash));
        CheckName(encoder.Id, "encoder.Id");
        return Path.Combine(Directory, encoder.Id, contentHash + Extension);
    }

    /// <summary>
    /// The cached embedding, or encodes the image from <paramref name="loadImage"/> (called only on a miss;
    /// the image it returns is disposed here) and stores it.
    /// </summary>
    public float[] GetOrAdd(string contentHash, IImageEncoder encoder, Func<GrayImage> loadImage)
    {
        ArgumentNullException.ThrowIfNull(loadImage);
        var path = PathFor(contentHash, encoder);
        if (TryRead(path, encoder.Dimension) is { } cached)
        {
            Interlocked.Increment(ref _hits);
            return cached;
        }

        Interlocked.Increment(ref _misses);
        float[] values;
        using (var image = loadImage())
        {
            values = encoder.Encode(image);
        }

        return Store(path, values, encoder.Dimension);
    }

    /// <summary>
    /// Batched <see cref="GetOrAdd"/>: hits are read from disk, the misses are loaded and encoded together
    /// with <see cref="IImageEncoder.EncodeBatch"/>. Results are in input order.
    /// </summary>
    public IReadOnlyList<float[]> GetOrAddMany(IReadOnlyList<(string ContentHash, Func<GrayImage> LoadImage)> items, IImageEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(encoder);
        var result = new float[items.Count][];
        var missing = new List<int>();
        for (var i = 0; i < items.Count; i++)
        {
            if (TryRead(PathFor(items[i].ContentHash, encoder), encoder.Dimension) is { } cached)
            {
                Interlocked.Increment(ref _hits);
                result[i] = cached;
            }
            else
            {
                Interlocked.Increment(ref _misses);
                missing.Add(i);
            }
        }

        if (missing.Count == 0)
        {
            return result;
        }

        var images = new List<GrayImage>(missing.Count);
        try
        {
            foreach (var i in missing)
            {
                images.Add(items[i].LoadImage());
            }

            var encoded = encoder.EncodeBatch(images);
            for (var k = 0; k < missing.Count; k++)
            {
                var i = missing[k];
                result[i] = Store(PathFor(items[i].ContentHash, encoder), encoded[k], encoder.Dimension);
            }
        }
        finally
        {
            foreach (var image in images)
            {
                image.Dispose();
            }
        }

        return result;
    }

    private float[]? TryRead(string path, int dimension)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }

        var values = Decode(bytes, dimension);
        if (values is null)
        {
            Interlocked.Increment(ref _rejected);
        }

        return values;
    }

    /// <summary>Decodes a cache file, or null when it is not a complete, intact file of this dimension.</summary>
    internal static float[]? Decode(ReadOnlySpan<byte> bytes, int dimension) => EmbeddingCodec.Decode(bytes, dimension);

    /// <summary>Writes the file atomically and returns the float16-rounded values.</summary>
    private static float[] Store(string path, float[] values, int dimension)
    {
        if (values.Length != dimension)
        {
            throw new InvalidOperationException($"Encoder returned {values.Length} values, expected {dimension}.");
        }

        var (bytes, rounded) = EmbeddingCodec.Encode(values);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        try
        {
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }

        return rounded;
    }

    private static void CheckName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name is "." or ".." || name.AsSpan().IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
        {
            throw new ArgumentException($"{what} '{name}' cannot be used as a file name.", what);
        }
    }
}
