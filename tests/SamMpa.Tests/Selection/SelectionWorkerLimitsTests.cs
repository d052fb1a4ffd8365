using Microsoft.Extensions.Options;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Options;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Embeddings;
using SamMpa.Storage;

namespace SamMpa.Tests.Selection;

/// <summary>
/// The selection worker checks what it is given where it uses it: a pooled dimension or atlas count out of range is
/// refused naming the field, and embeddings that would take more memory than Job:MaxSelectionBytes end the selection
/// with a reason that names PooledDimension and a value that fits, instead of an allocation of N x 1M floats.
/// </summary>
public sealed class SelectionWorkerLimitsTests : IDisposable
{
    private const string Dataset = "limits";
    private const string Encoder = "enc";
    private const int Dimension = 100_000;
    private static readonly string[] Images = ["a.png", "b.png", "c.png"];

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-selection-limits-").FullName;
    private readonly LocalFolderBlobStore _blobs;

    public SelectionWorkerLimitsTests() => _blobs = new LocalFolderBlobStore(_root);

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Embeddings_above_the_memory_limit_end_the_selection_naming_PooledDimension_and_a_value_that_fits()
    {
        await WriteDatasetAsync();
        // 3 x 100,000 floats = 1.2 MB, above a 1 MiB limit.
        var worker = Worker(maxSelectionBytes: 1 << 20);

        var outcome = await worker.SelectAsync(Job(pooledDimension: 0));

        Assert.NotNull(outcome.Error);
        Assert.Contains($"SelectionJob.PooledDimension 0 keeps 3 embeddings of {Dimension} values", outcome.Error, StringComparison.Ordinal);
        Assert.Contains("Job:MaxSelectionBytes", outcome.Error, StringComparison.Ordinal);
        Assert.Contains($"set it to 1..{(1 << 20) / sizeof(float) / 3}", outcome.Error, StringComparison.Ordinal);

        var pooled = await worker.SelectAsync(Job(pooledDimension: 1000));
        Assert.Null(pooled.Error);
    }

    [Theory]
    [InlineData(-1, 1, "SelectionJob.PooledDimension is -1: allowed 0..1048576.")]
    [InlineData(int.MaxValue, 1, "SelectionJob.PooledDimension is 2147483647: allowed 0..1048576.")]
    [InlineData(0, 2, "SelectionJob.Atlases is 2: allowed 1..1.")]
    [InlineData(0, 0, "SelectionJob.Atlases is 0: allowed 1..1.")]
    public async Task Numbers_out_of_range_are_refused_naming_the_field_and_the_range(int pooledDimension, int atlases, string expected)
    {
        var failure = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            Worker(maxSelectionBytes: 1L << 30).SelectAsync(Job(pooledDimension) with { Atlases = atlases }));

        Assert.StartsWith(expected, failure.Message, StringComparison.Ordinal);
    }

    private SelectionWorker Worker(long maxSelectionBytes) =>
        new(_blobs, Options.Create(new ImageOptions()), Options.Create(new JobOptions { MaxSelectionBytes = maxSelectionBytes }));

    private static SelectionJob Job(int pooledDimension) => new()
    {
        Dataset = Dataset,
        Encoder = Encoder,
        K = 1,
        ImageCount = Images.Length,
        PooledDimension = pooledDimension,
    };

    private async Task WriteDatasetAsync()
    {
        await DatasetFiles.WriteImagesAsync(_blobs, Dataset, Images, CancellationToken.None);
        await DatasetFiles.WriteEmbeddingAsync(_blobs, Dataset, new EmbeddingSummary(Encoder, []), CancellationToken.None);
        for (var i = 0; i < Images.Length; i++)
        {
            var values = Enumerable.Range(0, Dimension).Select(v => (float)((v * (i + 1)) % 97)).ToArray();
            await _blobs.WriteAsync(DatasetBlobLayout.Embedding(Dataset, Encoder, Images[i]), EmbeddingCodec.Encode(values).Bytes, CancellationToken.None);
        }
    }
}
