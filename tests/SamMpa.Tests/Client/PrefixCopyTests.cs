using SamMpa.Client.Cluster;
using SamMpa.Storage;

namespace SamMpa.Tests.Client;

/// <summary>
/// ingest --prefix over a prefix with DICOM: the prefix's own images and .dcm blobs copied to a folder, to be converted
/// as a folder is; a prefix of images alone is not copied (it is read in place).
/// </summary>
public sealed class PrefixCopyTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-prefix-test-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_prefix_with_dicom_is_copied_with_its_own_images_and_dicom_only()
    {
        var blobs = new LocalFolderBlobStore(Path.Combine(_root, "blobs"));
        await blobs.WriteAsync("archive/site-a/one.png", new byte[] { 1 }, default);
        await blobs.WriteAsync("archive/site-a/two.DCM", new byte[] { 2 }, default);
        await blobs.WriteAsync("archive/site-a/notes.txt", new byte[] { 3 }, default);
        await blobs.WriteAsync("archive/site-a/older/three.dcm", new byte[] { 4 }, default);

        using var copy = await PrefixCopy.OfDicomPrefixAsync(blobs, "archive/site-a/", default);

        Assert.NotNull(copy);
        Assert.Equal(1, copy.DicomBlobs);
        Assert.Equal(["one.png", "two.DCM"], Directory.GetFiles(copy.Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal([2], await File.ReadAllBytesAsync(Path.Combine(copy.Folder, "two.DCM")));
        Assert.Empty(copy.Failures);
        var folder = copy.Folder;
        copy.Dispose();
        Assert.False(Directory.Exists(folder), "expected the copy's folder to be removed on dispose");
    }

    [Fact]
    public async Task A_prefix_of_images_alone_is_read_in_place_not_copied()
    {
        var blobs = new LocalFolderBlobStore(Path.Combine(_root, "blobs"));
        await blobs.WriteAsync("archive/site-b/one.png", new byte[] { 1 }, default);
        await blobs.WriteAsync("archive/site-b/sub/two.dcm", new byte[] { 2 }, default);

        Assert.Null(await PrefixCopy.OfDicomPrefixAsync(blobs, "archive/site-b/", default));
    }
}
