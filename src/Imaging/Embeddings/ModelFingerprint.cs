using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SamMpa.Imaging.Embeddings;

/// <summary>Short, stable fingerprints of model files (SHA-256 of the bytes), computed once per path per process.</summary>
internal static class ModelFingerprint
{
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    /// <summary>First 12 lowercase hex characters of the SHA-256 of the concatenated bytes of <paramref name="paths"/>.</summary>
    public static string Of(params string[] paths)
    {
        var key = string.Join('\n', paths.Select(Path.GetFullPath));
        return Cache.GetOrAdd(key, static (_, files) => Compute(files), paths);
    }

    private static string Compute(string[] paths)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 16];
        foreach (var path in paths)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..12];
    }
}
