using SamMpa.Grains.Services;
using SamMpa.Storage;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Datasets;

/// <summary>A failure's whole text is kept per run: a late failure of an old run cannot replace the current run's.</summary>
public sealed class FailureRecordsTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly LocalFolderBlobStore _blobs;

    public FailureRecordsTests()
    {
        _blobs = new LocalFolderBlobStore(_folder.File("blobs"));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_long_failure_text_is_kept_in_its_runs_folder_and_an_old_runs_late_failure_leaves_it_alone()
    {
        var records = new FailureRecords(_blobs);

        var current = await records.RecordAsync("d1", "run-new", "img1.png", "register", "elastix failed\nline 2 of its log", default);
        var late = await records.RecordAsync("d1", "run-old", "img1.png", "register", "an old failure\nfrom the cancelled run", default);

        Assert.Equal("datasets/d1/runs/run-new/failures/img1.txt", current.DetailBlob);
        Assert.Equal("datasets/d1/runs/run-old/failures/img1.txt", late.DetailBlob);
        var kept = System.Text.Encoding.UTF8.GetString(await _blobs.ReadAsync(current.DetailBlob!, default) ?? []);
        Assert.True(kept == "elastix failed\nline 2 of its log", $"expected the current run's failure text to be intact, got '{kept}'");
    }

    [Fact]
    public async Task A_one_line_failure_writes_no_blob()
    {
        var error = await new FailureRecords(_blobs).RecordAsync("d1", "run-a", "img1.png", "segment", "not a readable image", default);

        Assert.Null(error.DetailBlob);
        Assert.Empty(await _blobs.ListAsync("datasets/d1/", default).ToListAsync());
    }
}
