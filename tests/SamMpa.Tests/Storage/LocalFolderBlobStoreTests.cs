using SamMpa.Storage;

namespace SamMpa.Tests.Storage;

public sealed class LocalFolderBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly LocalFolderBlobStore _store = new(Directory.CreateTempSubdirectory("sammpa-blobs-").FullName);

    protected override IBlobStore Store => _store;

    public void Dispose() => Directory.Delete(_store.Root, recursive: true);

    [Fact]
    public async Task No_temporary_file_is_left_behind()
    {
        await _store.WriteAsync("datasets/t/images/a.png", new byte[] { 1, 2, 3 }, CancellationToken.None);
        await _store.TryCreateAsync("datasets/t/images/a.png", new byte[] { 4 }, CancellationToken.None);

        var files = Directory.GetFiles(_store.Root, "*", SearchOption.AllDirectories);

        Assert.Equal([Path.Combine(_store.Root, "datasets", "t", "images", "a.png")], files);
    }
}
