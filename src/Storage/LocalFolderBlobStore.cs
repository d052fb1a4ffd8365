using System.Runtime.CompilerServices;

namespace SamMpa.Storage;

/// <summary>
/// Blobs as files below a root folder (the development default). Writes go to a temporary file in the target
/// folder first and are then moved into place, so a reader never sees half a blob; create-if-absent links the
/// temporary file under its final name, which fails when the name exists, so two writers of the same output cannot both win.
/// </summary>
public sealed class LocalFolderBlobStore : IBlobStore
{
    // '~' cannot appear in a valid id, so a temporary file is never mistaken for a blob.
    private const string TemporaryMarker = "~tmp-";

    public LocalFolderBlobStore(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public async Task<bool> TryCreateAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (File.Exists(path))
        {
            return false;
        }

        var temporary = await WriteTemporaryAsync(path, content, cancellationToken);
        try
        {
            return NoReplaceFilePublisher.TryPublish(temporary, path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<bool> TryCreateAsync(string name, Stream content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var path = PathOf(name);
        if (File.Exists(path))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}{TemporaryMarker}{Guid.NewGuid():N}";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 81920, useAsync: true))
            {
                await content.CopyToAsync(file, cancellationToken);
            }

            return NoReplaceFilePublisher.TryPublish(temporary, path);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task WriteAsync(string name, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        var temporary = await WriteTemporaryAsync(path, content, cancellationToken);
        try
        {
            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task<byte[]?> ReadAsync(string name, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var path = PathOf(name);
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, useAsync: true);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }

        await using (stream)
        {
            // The length of the file as opened: a blob is replaced by a rename, so this file's content cannot change.
            var length = stream.Length;
            // A byte array holds at most Array.MaxLength bytes, whatever the caller accepts.
            if (length > Math.Min(maxBytes, Array.MaxLength))
            {
                throw new BlobTooLargeException(name, length, Math.Min(maxBytes, Array.MaxLength));
            }

            var content = GC.AllocateUninitializedArray<byte>((int)length);
            await stream.ReadExactlyAsync(content, cancellationToken);
            return content;
        }
    }

    public Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(name)));

    public async IAsyncEnumerable<string> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var folder = Path.Combine([Root, .. BlobName.PrefixSegments(prefix)]);
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        var names = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Where(path => !Path.GetFileName(path).Contains(TemporaryMarker, StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(Root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal);
        foreach (var name in names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return name;
        }

        await Task.CompletedTask;
    }

    public Task<bool> DeleteAsync(string name, CancellationToken cancellationToken)
    {
        var path = PathOf(name);
        if (!File.Exists(path))
        {
            return Task.FromResult(false);
        }

        File.Delete(path);
        return Task.FromResult(true);
    }

    private string PathOf(string name) => Path.Combine([Root, .. BlobName.Segments(name)]);

    private static async Task<string> WriteTemporaryAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}{TemporaryMarker}{Guid.NewGuid():N}";
        await File.WriteAllBytesAsync(temporary, content, cancellationToken);
        return temporary;
    }
}
