using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Services;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;
using SamMpa.Tests.Images;
using static SamMpa.Tests.Images.TestImages;
using OptionsOf = Microsoft.Extensions.Options.Options;

namespace SamMpa.Tests.Registration;

/// <summary>
/// The registration worker's own reads (the query decoded again, each support's image and annotation, the ground truth)
/// go through the decode gate: a crafted or oversized blob fails that query with a reason naming the blob, before any
/// large allocation, instead of escaping the per-image error handling.
/// </summary>
public sealed class RegistrationDecodeGateTests : IDisposable
{
    private const string Dataset = "gate";
    private readonly TempFolder _folder = new();
    private readonly LocalFolderBlobStore _blobs;

    public RegistrationDecodeGateTests()
    {
        _blobs = new LocalFolderBlobStore(_folder.File("blobs"));
    }

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_query_with_a_second_ihdr_fails_alone_naming_its_blob()
    {
        var job = await JobAsync(query: PngOf(
            ("IHDR", Ihdr(16, 16, 16, PngGray)), ("IHDR", Ihdr(1000, 1000, 16, PngGray)), ("IDAT", ZeroRows(1000, 2000)), ("IEND", [])));

        var result = await CoarseMasksWith(new ImageOptions()).SegmentAsync(job, CancellationToken.None);

        Assert.NotNull(result.Outcome.Error);
        Assert.Contains($"{job.ImageBlob}: not a valid PNG (a second IHDR chunk", result.Outcome.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_support_annotation_above_the_pixel_limit_is_refused_naming_it_and_the_setting()
    {
        var job = await JobAsync(annotation: PngOf(("IHDR", Ihdr(7000, 7000, 8, PngGray)), ("IDAT", ZeroRows(7000, 7000)), ("IEND", [])));

        var result = await CoarseMasksWith(new ImageOptions()).SegmentAsync(job, CancellationToken.None);

        Assert.NotNull(result.Outcome.Error);
        Assert.Contains($"{job.Supports[0].AnnotationBlob}: image is 7000x7000 pixels (49,000,000), above the limit of 40,000,000 pixels (Images:MaxPixels)", result.Outcome.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_query_blob_above_the_length_limit_is_refused_before_download_naming_it_and_the_setting()
    {
        var job = await JobAsync();
        var length = new FileInfo(Path.Combine(_blobs.Root, job.ImageBlob)).Length;

        var result = await CoarseMasksWith(new ImageOptions { MaxBlobBytes = length - 1 }).SegmentAsync(job, CancellationToken.None);

        Assert.NotNull(result.Outcome.Error);
        Assert.Contains(
            $"{job.ImageBlob}: blob is {length:N0} bytes, above the limit of {length - 1:N0} bytes (Images:MaxBlobBytes); it was not downloaded",
            result.Outcome.Error.Reason,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_ground_truth_mask_above_the_pixel_limit_fails_the_query_naming_it()
    {
        var job = await JobAsync(truth: PngOf(("IHDR", Ihdr(7000, 7000, 8, PngGray)), ("IDAT", ZeroRows(7000, 7000)), ("IEND", [])));

        var result = await CoarseMasksWith(new ImageOptions()).SegmentAsync(job, CancellationToken.None);

        Assert.NotNull(result.Outcome.Error);
        Assert.Contains($"{job.TruthBlob}: image is 7000x7000 pixels", result.Outcome.Error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valid_blobs_pass_the_gate_and_the_query_is_segmented()
    {
        var job = await JobAsync();

        var result = await CoarseMasksWith(new ImageOptions()).SegmentAsync(job, CancellationToken.None);

        Assert.Null(result.Outcome.Error);
        Assert.NotNull(result.Outcome.CoarseDice);
    }

    private CoarseMasks CoarseMasksWith(ImageOptions images)
    {
        var options = OptionsOf.Create(images);
        return new CoarseMasks(
            _blobs,
            new IdentityMaskPropagator(),
            new RegistrationSlots(new RegistrationOptions()),
            new QueryLocalisation(_blobs, new LocalisationModels(_blobs, options)),
            new FailureRecords(_blobs),
            options);
    }

    /// <summary>A 64x64 query and one support with its annotation and the query's truth; any of them replaced by crafted bytes.</summary>
    private async Task<QueryJob> JobAsync(byte[]? query = null, byte[]? annotation = null, byte[]? truth = null)
    {
        using var image = new GrayImage(64, 64);
        using var disc = new GrayImage(64, 64);
        for (var y = 0; y < 64; y++)
        {
            for (var x = 0; x < 64; x++)
            {
                var inside = ((x - 32) * (x - 32)) + ((y - 32) * (y - 32)) < 15 * 15;
                (image[x, y], disc[x, y]) = (inside ? 200f : 40f, inside ? 1f : 0f);
            }
        }

        var job = new QueryJob
        {
            Dataset = Dataset,
            Image = "q.png",
            ImageBlob = DatasetBlobLayout.Image(Dataset, "q.png"),
            TruthBlob = DatasetBlobLayout.Truth(Dataset, "q.png"),
            Supports = [new SupportRef("s.png", DatasetBlobLayout.Image(Dataset, "s.png"), DatasetBlobLayout.Annotation(Dataset, "s.png"))],
            WorkingSize = 64,
            RunId = "run-decode-gate",
        };
        await _blobs.WriteAsync(job.ImageBlob, query ?? MaskFile.EncodeGrayPng(image), CancellationToken.None);
        await _blobs.WriteAsync(job.TruthBlob, truth ?? MaskFile.EncodePng(disc), CancellationToken.None);
        await _blobs.WriteAsync(job.Supports[0].ImageBlob, MaskFile.EncodeGrayPng(image), CancellationToken.None);
        await _blobs.WriteAsync(job.Supports[0].AnnotationBlob, annotation ?? MaskFile.EncodePng(disc), CancellationToken.None);
        return job;
    }
}
