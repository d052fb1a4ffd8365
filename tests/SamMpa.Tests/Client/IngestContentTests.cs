using SamMpa.Client.Cluster;
using SamMpa.Client.Commands;
using SamMpa.Imaging.Evaluation;
using SamMpa.Storage;

namespace SamMpa.Tests.Client;

/// <summary>A dataset id holds one set of images: ingesting another folder into it is refused naming the first differing file, or goes to a new version.</summary>
public sealed class IngestContentTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-ingest-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task A_different_folder_is_refused_naming_the_first_differing_file_and_nothing_is_written()
    {
        var blobs = new LocalFolderBlobStore(Path.Combine(_root, "blobs"));
        var first = Folder("first", ("a.png", [1, 2, 3]), ("b.png", [4, 5, 6]), ("c.png", [7, 8, 9]));
        await UploadAsync(blobs, "cxr", first);
        var second = Folder("second", ("a.png", [1, 2, 3]), ("b.png", [4, 5, 0]), ("d.png", [7, 8, 9]));

        var error = await Assert.ThrowsAsync<DatasetException>(() => IngestCommand.TargetAsync(blobs, "cxr", second, null, newVersion: false, default));

        Assert.Contains(second[1], error.Message, StringComparison.Ordinal);
        Assert.Contains("--new-version", error.Message, StringComparison.Ordinal);
        Assert.False(await blobs.ExistsAsync(DatasetBlobLayout.Image("cxr", "d.png"), default));
    }

    [Fact]
    public async Task A_folder_with_an_extra_or_a_missing_file_is_refused_naming_it()
    {
        var blobs = new LocalFolderBlobStore(Path.Combine(_root, "blobs"));
        var first = Folder("first", ("a.png", [1]), ("b.png", [2]));
        await UploadAsync(blobs, "cxr", first);

        var extra = Folder("extra", ("a.png", [1]), ("a2.png", [9]), ("b.png", [2]));
        var missing = Folder("missing", ("b.png", [2]), ("c.png", [3]));

        var added = await Assert.ThrowsAsync<DatasetException>(() => IngestCommand.TargetAsync(blobs, "cxr", extra, null, newVersion: false, default));
        var lacking = await Assert.ThrowsAsync<DatasetException>(() => IngestCommand.TargetAsync(blobs, "cxr", missing, null, newVersion: false, default));

        Assert.Contains(extra[1], added.Message, StringComparison.Ordinal);
        Assert.Contains(DatasetBlobLayout.Image("cxr", "a.png"), lacking.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_same_folder_again_goes_to_the_same_id_and_new_version_picks_the_next_free_one()
    {
        var blobs = new LocalFolderBlobStore(Path.Combine(_root, "blobs"));
        var first = Folder("first", ("a.png", [1]), ("b.png", [2]));
        await UploadAsync(blobs, "cxr", first);
        var second = Folder("second", ("a.png", [1]), ("b.png", [3]));

        Assert.Equal("cxr", await IngestCommand.TargetAsync(blobs, "cxr", first, null, newVersion: false, default));
        Assert.Equal("cxr", await IngestCommand.TargetAsync(blobs, "cxr", first, null, newVersion: true, default));
        Assert.Equal("cxr-v2", await IngestCommand.TargetAsync(blobs, "cxr", second, null, newVersion: true, default));
        await UploadAsync(blobs, "cxr-v2", second);
        Assert.Equal("cxr-v2", await IngestCommand.TargetAsync(blobs, "cxr", second, null, newVersion: true, default));
        Assert.Equal("cxr-v3", await IngestCommand.TargetAsync(blobs, "cxr", Folder("third", ("z.png", [5]), ("y.png", [6])), null, newVersion: true, default));
    }

    [Fact]
    public async Task Different_ground_truth_is_refused_naming_the_mask()
    {
        var blobs = new LocalFolderBlobStore(Path.Combine(_root, "blobs"));
        var images = Folder("images", ("a.png", [1]), ("b.png", [2]));
        var truth = Folder("truth", ("a.png", [10]), ("b.png", [20]));
        var otherTruth = Folder("other-truth", ("a.png", [10]), ("b.png", [21]));
        var truthByImage = new Dictionary<string, string> { ["a.png"] = truth[0], ["b.png"] = truth[1] };
        await UploadAsync(blobs, "cxr", images, truthByImage);

        var error = await Assert.ThrowsAsync<DatasetException>(() =>
            IngestCommand.TargetAsync(blobs, "cxr", images, new Dictionary<string, string> { ["a.png"] = otherTruth[0], ["b.png"] = otherTruth[1] }, newVersion: false, default));

        Assert.Contains(otherTruth[1], error.Message, StringComparison.Ordinal);
    }

    private string[] Folder(string name, params (string File, byte[] Content)[] files)
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        return files.Select(f =>
        {
            var path = Path.Combine(folder, f.File);
            File.WriteAllBytes(path, f.Content);
            return path;
        }).ToArray();
    }

    private static async Task UploadAsync(IBlobStore blobs, string dataset, string[] paths, IReadOnlyDictionary<string, string>? truth = null)
    {
        foreach (var (path, blob) in DatasetContent.Items(dataset, paths, truth))
        {
            await blobs.TryCreateAsync(blob, await File.ReadAllBytesAsync(path), default);
        }
    }
}
