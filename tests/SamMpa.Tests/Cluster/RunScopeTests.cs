using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Images;
using SamMpa.Tests.Evaluation;
using SamMpa.Storage;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>Results are scoped to their run: a late mask write of a cancelled run never replaces the next run's masks.</summary>
public sealed class RunScopeTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    [Fact]
    public async Task A_late_mask_of_a_cancelled_run_leaves_only_the_next_runs_masks_and_report()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        await UploadAsync(fixture.Blobs, dataset, phantoms);
        var events = await SubscribeAsync(fixture.Client, dataset);
        await PrepareAsync(fixture.Client, fixture.Blobs, dataset);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        // The late write is the inverse of the worker's mask: if it landed on the next run's mask, the mask would show it.
        var late = LateWriteBlobStore.Arm(dataset, Inverted);
        try
        {
            var first = await grain.RunAsync(new RunSettings());
            using (var timeout = new CancellationTokenSource(Patience))
            {
                await late.Held.Task.WaitAsync(timeout.Token);
            }

            Assert.Equal(DatasetPhase.Cancelled, (await grain.CancelAsync()).Phase);
            var second = await grain.RunAsync(new RunSettings());
            using (var timeout = new CancellationTokenSource(Patience))
            {
                await events.CompletedAtLeastAsync(2).WaitAsync(timeout.Token);
            }

            var status = await WaitAsync(grain, s => s.Phase == DatasetPhase.Completed);
            late.Release.TrySetResult();
            await late.Landed;

            Assert.NotEqual(first.RunId, second.RunId);
            Assert.Equal(second.RunId, status.RunId);
            var report = DatasetReport.Deserialize(await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default) ?? []);
            Assert.Equal(second.RunId, report.RunId);
            var masks = await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset) + "masks/");
            Assert.Equal(report.Outcomes.Select(o => o.Mask).OfType<string>().Order(StringComparer.Ordinal), masks);
            Assert.Equal(ImageCount - K, masks.Count);
            foreach (var outcome in report.Outcomes)
            {
                // The next run's own mask, as its worker wrote it, is the clean run's answer for this image.
                var clean = late.Written[DatasetBlobLayout.RunFinalMask(dataset, second.RunId!, outcome.Image)];
                using var expected = ImageFile.DecodeMask(clean, outcome.Image, ImageLimits.Default);
                using var published = ImageFile.DecodeMask(await fixture.Blobs.ReadAsync(outcome.Mask!, default) ?? [], outcome.Mask!, ImageLimits.Default);
                Assert.True(expected.Pixels.SequenceEqual(published.Pixels), $"expected {outcome.Mask} to be run {second.RunId}'s mask of {outcome.Image}");
            }

            Assert.Contains(late.Written.Keys, name => name.StartsWith(DatasetBlobLayout.RunPrefix(dataset, first.RunId!), StringComparison.Ordinal));
        }
        finally
        {
            late.Release.TrySetResult();
            LateWriteBlobStore.Disarm(dataset);
        }
    }

    [Fact]
    public async Task Creating_a_dataset_again_over_a_folder_that_gained_an_image_is_refused_naming_it()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(3);
        await UploadAsync(fixture.Blobs, dataset, phantoms, count: 2);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.CreateAsync(new CreateDataset());
        var foreign = DatasetBlobLayout.Image(dataset, PhantomDataset.Name(2));
        await fixture.Blobs.WriteAsync(foreign, await File.ReadAllBytesAsync(Path.Combine(phantoms.ImagesDirectory, PhantomDataset.Name(2))), default);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.CreateAsync(new CreateDataset()));

        Assert.Contains(foreign, error.Message, StringComparison.Ordinal);
        Assert.Contains("--new-version", error.Message, StringComparison.Ordinal);
    }

    private static byte[] Inverted(byte[] png)
    {
        using var mask = ImageFile.DecodeMask(png, "late mask", ImageLimits.Default);
        for (var i = 0; i < mask.Pixels.Length; i++)
        {
            mask.Pixels[i] = mask.Pixels[i] > 0.5f ? 0f : 1f;
        }

        return MaskFile.EncodePng(mask);
    }
}
