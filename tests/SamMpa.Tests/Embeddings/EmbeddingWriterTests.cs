using Microsoft.Extensions.Logging.Abstractions;
using SamMpa.Grains.Options;
using SamMpa.Grains.Services;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Localisation;
using SamMpa.Imaging.Sam;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Images;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace SamMpa.Tests.Embeddings;

/// <summary>
/// Stage embed with a SAM package (the tiny fixture): the dense feature map joins the SAM encoder's embedding to
/// ResNet18's features (issue 12, item 1), and is the same whichever way the embedding reached it.
/// </summary>
public sealed class EmbeddingWriterTests : IDisposable
{
    private const string Dataset = "features-test";
    private const string Image = "image-0";

    private readonly TempFolder _folder = new();
    private readonly PhantomDataset _phantoms = new(1);
    private readonly LocalFolderBlobStore _blobs;
    private readonly EmbeddingJob _job = new(Dataset, Image, DatasetBlobLayout.Image(Dataset, PhantomDataset.Name(0)), 64);

    public EmbeddingWriterTests()
    {
        _blobs = new LocalFolderBlobStore(_folder.File("blobs"));
        SamFixtureBuilder.WritePackage(_folder.File("sam"));
    }

    [Fact]
    public async Task With_a_sam_package_the_map_holds_its_embedding_and_is_the_same_computed_read_back_or_encoded_again()
    {
        await UploadAsync();
        using var models = Models(samDenseFeatures: true);
        var writer = new EmbeddingWriter(_blobs, models, MsOptions.Create(new ImageOptions()));

        var first = await writer.WriteAsync(_job, default);

        Assert.StartsWith("sam-", first.Encoder ?? "(none)", StringComparison.Ordinal);
        Assert.True(
            first.FeatureExtractor is not null && first.FeatureExtractor.StartsWith("resnet18-", StringComparison.Ordinal) && first.FeatureExtractor.EndsWith("_" + first.Encoder, StringComparison.Ordinal),
            $"expected a feature id naming ResNet18 and then the SAM encoder {first.Encoder}, got {first.FeatureExtractor}");
        var computed = await ReadAsync(first.FeatureBlob!);
        var map = FeatureMapCodec.Decode(computed);
        Assert.True(map is { Channels: 768 + 256, Height: 28, Width: 28 }, $"expected a 1024 x 28 x 28 map, got {map?.Channels}x{map?.Height}x{map?.Width}");

        await _blobs.DeleteAsync(first.FeatureBlob!, default);
        var readBack = await writer.WriteAsync(_job, default);
        var fromStored = await ReadAsync(readBack.FeatureBlob!);
        Assert.True(computed.AsSpan().SequenceEqual(fromStored), "expected the map written from the stored embedding to equal the first");

        var embedding = await ReadAsync(first.EmbeddingBlob!);
        await _blobs.WriteAsync(first.EmbeddingBlob!, embedding.AsMemory(0, embedding.Length / 2), default);
        await _blobs.DeleteAsync(first.FeatureBlob!, default);
        var encodedAgain = await writer.WriteAsync(_job, default);
        var fromEncodedAgain = await ReadAsync(encodedAgain.FeatureBlob!);
        Assert.True(computed.AsSpan().SequenceEqual(fromEncodedAgain), "expected the map written after encoding again (damaged embedding blob) to equal the first");
    }

    [Fact]
    public async Task With_sam_dense_features_off_the_map_is_resnet18s_alone()
    {
        await UploadAsync();
        using var models = Models(samDenseFeatures: false);
        var writer = new EmbeddingWriter(_blobs, models, MsOptions.Create(new ImageOptions()));

        var outcome = await writer.WriteAsync(_job, default);

        Assert.Matches("^resnet18-l3l4-448-mirror-[0-9a-f]{12}$", outcome.FeatureExtractor);
        var map = FeatureMapCodec.Decode(await ReadAsync(outcome.FeatureBlob!));
        Assert.Equal(768, map?.Channels);
    }

    public void Dispose()
    {
        _phantoms.Dispose();
        _folder.Dispose();
    }

    private WorkerModels Models(bool samDenseFeatures) =>
        new(MsOptions.Create(new ModelOptions { SamPackage = _folder.File("sam"), SamDenseFeatures = samDenseFeatures }), NullLogger<WorkerModels>.Instance);

    private async Task UploadAsync() =>
        await _blobs.WriteAsync(_job.ImageBlob, await File.ReadAllBytesAsync(Path.Combine(_phantoms.ImagesDirectory, PhantomDataset.Name(0))), default);

    private async Task<byte[]> ReadAsync(string blob) =>
        await _blobs.ReadAsync(blob, default) ?? throw new Xunit.Sdk.XunitException($"expected blob {blob} to exist");
}
