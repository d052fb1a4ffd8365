using SamMpa.Grains.Datasets;
using SamMpa.Grains.Images;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Images;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MemoryMeasuredCollection
{
    // Alone, after the parallel collections: the test process's managed heap is then this test's and its silos'.
    public const string Name = "memory measured";
}

/// <summary>
/// Bad-input matrix item 18: the decode bombs in one dataset on a gpu silo and a cpu silo. Each is refused naming it,
/// the rest of the dataset is segmented, and the test process's managed heap stays under 1 GiB throughout.
/// </summary>
[Collection(MemoryMeasuredCollection.Name)]
public sealed class DecodeBombMemoryTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    private const long OneGiB = 1L << 30;

    [Fact]
    public async Task Item18_the_bombs_in_one_dataset_fail_each_alone_naming_it_the_rest_is_segmented_and_the_managed_heap_stays_under_1_gib()
    {
        // 2 KB that once decoded as 1000x1000 16-bit, a 50000x50000 interlaced giant, and 40 MB named .png.
        var twoHeaders = TestImages.PngOf(
            ("IHDR", TestImages.Ihdr(16, 16, 16, TestImages.PngGray)),
            ("IHDR", TestImages.Ihdr(1000, 1000, 16, TestImages.PngGray)),
            ("IDAT", TestImages.ZeroRows(1000, 2000)),
            ("IEND", []));
        var giant = TestImages.PngOf(
            ("IHDR", TestImages.Ihdr(50_000, 50_000, 16, TestImages.PngGray, interlace: 1)), ("IDAT", TestImages.ZeroRows(8, 64)), ("IEND", []));
        var large = new byte[40 * 1024 * 1024];
        new Random(18).NextBytes(large);
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        signature.CopyTo(large, 0);
        var bombs = new Dictionary<int, (byte[] File, string Problem)>
        {
            [3] = (twoHeaders, "not a valid PNG (a second IHDR chunk"),
            [4] = (giant, "image is 50000x50000 pixels (2,500,000,000), above the limit of 40,000,000 pixels (Images:MaxPixels)"),
            // Random bytes after the signature: the first "chunk" declares more bytes than the file holds.
            [5] = (large, "truncated image (incomplete data: chunk '1858868B' at byte 8 declares 4,005,377,219 bytes, past the end of the file)"),
        };

        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        foreach (var (index, bomb) in bombs)
        {
            File.WriteAllBytes(Path.Combine(phantoms.ImagesDirectory, PhantomDataset.Name(index)), bomb.File);
        }

        // What earlier tests left behind is collected first: the peak is then this run's.
        var retainedAtStart = GC.GetTotalMemory(forceFullCollection: true);
        DatasetStatus status;
        await using (var memory = new ProcessMemorySampler(TimeSpan.FromMilliseconds(20)))
        {
            await UploadAsync(fixture.Blobs, dataset, phantoms);
            var events = await SubscribeAsync(fixture.Client, dataset);
            await PrepareAsync(fixture.Client, fixture.Blobs, dataset);
            status = await RunToEndAsync(fixture.Client, dataset, events);
            await memory.StopAsync();
            Assert.True(memory.PeakManagedBytes < OneGiB,
                $"expected the test process's managed heap to stay under 1 GiB while the bombs were refused, peak {memory.PeakManagedBytes:N0} bytes ({memory.Samples} samples; {retainedAtStart:N0} retained at the start)");
        }

        Assert.True(status.Phase == DatasetPhase.Completed, $"expected the rest of the dataset to complete, got {status.Phase}: {status.Message}");
        foreach (var (index, bomb) in bombs)
        {
            var name = PhantomDataset.Name(index);
            var failure = status.Failures.SingleOrDefault(f => f.Image == name);
            Assert.True(failure is not null, $"expected a failure for {name}, got: {string.Join("; ", status.Failures.Select(f => f.Reason))}");
            Assert.Equal(StageNames.Embed, failure.Stage);
            Assert.True(
                failure.Reason.Contains($"{DatasetBlobLayout.Image(dataset, name)}: ", StringComparison.Ordinal)
                && failure.Reason.Contains(bomb.Problem, StringComparison.Ordinal),
                $"expected {name}'s failure to name its blob and say '{bomb.Problem}', got: {failure.Reason}");
        }

        Assert.Equal(bombs.Count, status.Failures.Count);
        Assert.Equal(ImageCount - K - bombs.Count, status.Segmented);
        foreach (var folder in new[] { "coarse/", "masks/" })
        {
            var masks = await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset) + folder);
            Assert.True(masks.Count == ImageCount - K - bombs.Count, $"expected {ImageCount - K - bombs.Count} blobs under {folder}, found {masks.Count}");
        }
    }
}
