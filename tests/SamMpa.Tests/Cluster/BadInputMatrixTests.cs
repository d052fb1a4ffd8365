using SamMpa.Grains.Datasets;
using SamMpa.Grains.Images;
using SamMpa.Grains.Services;
using SamMpa.Imaging.Images;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Images;
using SkiaSharp;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The bad-input matrix on a gpu silo and a cpu silo (items 1-11, 15-17; 12-14 are SiloStartupRefusalTests, 18 is
/// DecodeBombMemoryTests, which runs alone to measure memory): each bad item gets
/// an error naming it, leaves no mask or embedding behind, and the rest of the dataset is segmented.
/// </summary>
public sealed class BadInputMatrixTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    private const int Bad = 3;

    private static string BadName => PhantomDataset.Name(Bad);

    [Fact]
    public async Task Item01_a_corrupt_png_fails_alone_at_embedding_naming_it_and_the_rest_is_segmented()
    {
        var failure = await RunWithBadImageAsync(p => File.WriteAllBytes(ImagePath(p, Bad), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5, 6]));

        Assert.Contains("not a readable image", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item02_an_empty_image_file_fails_alone_at_embedding_naming_it_and_the_rest_is_segmented()
    {
        var failure = await RunWithBadImageAsync(p => File.WriteAllBytes(ImagePath(p, Bad), []));

        Assert.Contains("empty file (0 bytes)", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item03_a_1x1_image_is_refused_at_embedding_with_the_minimum_size_and_the_rest_is_segmented()
    {
        var failure = await RunWithBadImageAsync(p => TestImages.WritePng(ImagePath(p, Bad), 1, 1, 8, TestImages.PngGray, [128]));

        Assert.Contains($"image is 1x1 pixels; at least {ImageLimits.MinimumSide}x{ImageLimits.MinimumSide} is needed", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item04_sixteen_bit_gray_images_keep_their_full_range_and_segment_as_well_as_their_8_bit_twins()
    {
        // The 16-bit twin of value v is v * 257 + 128: the whole 0..65535 range, and low bits an 8-bit truncation would lose.
        static ushort Twin(float v) => (ushort)Math.Min(65535, (v * 257) + 128);
        var eightBit = await RunToEndAsync(NewDatasetId(), damage: null);
        var sixteenBit = await RunToEndAsync(NewDatasetId(), damage: p =>
        {
            for (var i = 0; i < ImageCount; i++)
            {
                using var image = ImageFile.Read(ImagePath(p, i));
                var samples = new ushort[image.Length];
                for (var j = 0; j < samples.Length; j++)
                {
                    samples[j] = Twin(image.Pixels[j]);
                }

                TestImages.WritePng(ImagePath(p, i), image.Width, image.Height, 16, TestImages.PngGray, samples);
            }
        });

        using var decoded = await BlobImages.ReadImageAsync(fixture.Blobs, DatasetBlobLayout.Image(sixteenBit.Dataset, BadName), ImageLimits.Default, default);
        using var original = new PhantomDataset(ImageCount);
        using var eight = ImageFile.Read(ImagePath(original, Bad));
        for (var j = 0; j < decoded.Length; j++)
        {
            Assert.True(Math.Abs(decoded.Pixels[j] - (Twin(eight.Pixels[j]) / 257f)) < 1e-4f, $"expected 16-bit sample {Twin(eight.Pixels[j])} to read as {Twin(eight.Pixels[j]) / 257f}, got {decoded.Pixels[j]}");
        }

        Assert.True(sixteenBit.Status.Failed == 0 && sixteenBit.Status.Segmented == ImageCount - K, $"expected every 16-bit query segmented, got {sixteenBit.Status.Segmented} and failures {Reasons(sixteenBit.Status)}");
        Assert.True(
            sixteenBit.Status.CoarseDiceMean >= eightBit.Status.CoarseDiceMean - 0.05 && sixteenBit.Status.CoarseDiceMean > 0.5,
            $"expected the 16-bit dataset to segment as well as its 8-bit twin (Dice {eightBit.Status.CoarseDiceMean}), got {sixteenBit.Status.CoarseDiceMean}");
    }

    [Fact]
    public async Task Item05_a_10000x10000_image_is_refused_before_decoding_naming_its_size_and_the_configurable_limit_and_the_rest_is_segmented()
    {
        var failure = await RunWithBadImageAsync(p =>
        {
            // Mostly constant, so its PNG is small; decoding it would take 800 MB.
            using var bitmap = new SKBitmap(new SKImageInfo(10_000, 10_000, SKColorType.Gray8, SKAlphaType.Opaque));
            bitmap.Erase(new SKColor(40, 40, 40));
            using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(ImagePath(p, Bad), png.ToArray());
        });

        Assert.Contains("image is 10000x10000 pixels (100,000,000), above the limit of 40,000,000 pixels (Images:MaxPixels)", failure.Reason, StringComparison.Ordinal);
        using var small = new GrayImage(64, 64);
        var limited = Assert.Throws<InvalidImageException>(() => ImageFile.Decode(MaskFile.EncodeGrayPng(small), "small.png", new ImageLimits { MaxPixels = 1000, MaxPixelsSetting = "Images:MaxPixels" }));
        Assert.Contains("small.png: image is 64x64 pixels (4,096), above the limit of 1,000 pixels (Images:MaxPixels)", limited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item06_rgba_images_are_read_as_gray_and_segment()
    {
        var run = await RunToEndAsync(NewDatasetId(), damage: p =>
        {
            for (var i = 0; i < ImageCount; i++)
            {
                using var image = ImageFile.Read(ImagePath(p, i));
                var samples = new ushort[image.Length * 4];
                for (var j = 0; j < image.Length; j++)
                {
                    var v = (ushort)image.Pixels[j];
                    // Colour in RGB, an alpha that varies (fully transparent on some pixels): alpha must not change the gray.
                    (samples[j * 4], samples[(j * 4) + 1], samples[(j * 4) + 2], samples[(j * 4) + 3]) = (v, v, v, (ushort)(j * 7 % 256));
                }

                TestImages.WritePng(ImagePath(p, i), image.Width, image.Height, 8, TestImages.PngRgba, samples);
            }
        });

        Assert.True(run.Status.Phase == DatasetPhase.Completed && run.Status.Failed == 0, $"expected every RGBA query segmented, got {run.Status.Phase}, failures {Reasons(run.Status)}");
        Assert.True(run.Status.CoarseDiceMean > 0.5, $"expected RGBA phantoms to segment with Dice > 0.5, got {run.Status.CoarseDiceMean}");
        await AssertMasksAsync(run.Dataset, ImageCount - K);
    }

    [Fact]
    public Task Item07_an_annotation_of_another_size_than_its_image_is_refused_at_annotate_naming_the_mask_and_both_sizes() =>
        AssertAnnotationRefusedAsync(Mask(32, 32, 1f), support => $"annotation is 32x32 but image {support} is 64x64");

    [Fact]
    public Task Item08_an_empty_support_annotation_is_refused_at_annotate_naming_it() =>
        AssertAnnotationRefusedAsync(Mask(64, 64, 0f), _ => "annotation is empty (no foreground pixel)");

    [Fact]
    public Task Item09_a_support_annotation_covering_every_pixel_is_refused_at_annotate_naming_it() =>
        AssertAnnotationRefusedAsync(Mask(64, 64, 1f), _ => "annotation covers every pixel (no background)");

    [Fact]
    public async Task Item10_status_select_and_run_on_a_dataset_never_created_name_its_id()
    {
        var dataset = NewDatasetId();
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        var expected = $"Dataset '{dataset}' does not exist";

        var errors = new[]
        {
            await Assert.ThrowsAsync<KeyNotFoundException>(() => grain.GetStatusAsync()),
            await Assert.ThrowsAsync<KeyNotFoundException>(() => grain.SelectSupportsAsync(new SelectSupports { K = 1 })),
            await Assert.ThrowsAsync<KeyNotFoundException>(() => grain.RunAsync(new RunSettings())),
        };

        Assert.All(errors, e => Assert.Contains(expected, e.Message, StringComparison.Ordinal));
        Assert.Empty(await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset)));
    }

    [Theory]
    [InlineData("..", "dataset id '..'")]
    [InlineData("a/b", "dataset id 'a/b'")]
    [InlineData("x\u0001y", "dataset id 'x\\u0001y'")]
    public async Task Item11_dataset_ids_with_traversal_separators_or_control_characters_are_refused_by_every_call_naming_the_id(string id, string named)
    {
        var grain = fixture.Client.GetGrain<IDatasetGrain>(id);

        var errors = new[]
        {
            await Assert.ThrowsAsync<ArgumentException>(() => grain.CreateAsync(new CreateDataset())),
            await Assert.ThrowsAsync<ArgumentException>(() => grain.GetStatusAsync()),
            await Assert.ThrowsAsync<ArgumentException>(() => grain.SelectSupportsAsync(new SelectSupports { K = 1 })),
            await Assert.ThrowsAsync<ArgumentException>(() => grain.RunAsync(new RunSettings())),
        };

        Assert.All(errors, e => Assert.Contains(named, e.Message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("../x.png", "image id '../x.png'")]
    [InlineData("a/b.png", "image id 'a/b.png'")]
    [InlineData("x\u0007.png", "image id 'x\\u0007.png'")]
    public async Task Item11_image_names_with_traversal_separators_or_control_characters_are_refused_at_create_naming_the_name(string image, string named)
    {
        var dataset = NewDatasetId();
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.CreateAsync(new CreateDataset { Images = ["a.png", image] }));

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<KeyNotFoundException>(() => grain.GetStatusAsync());
    }

    [Fact]
    public async Task Item15_a_2_kb_16_bit_png_with_a_second_ihdr_fails_alone_at_embedding_naming_it_and_the_rest_is_segmented()
    {
        // A first IHDR of 16x16 for the size check, a second of 1000x1000 that the decoder used to read.
        var bomb = TestImages.PngOf(
            ("IHDR", TestImages.Ihdr(16, 16, 16, TestImages.PngGray)),
            ("IHDR", TestImages.Ihdr(1000, 1000, 16, TestImages.PngGray)),
            ("IDAT", TestImages.ZeroRows(1000, 2000)),
            ("IEND", []));

        var failure = await RunWithBadImageAsync(p => File.WriteAllBytes(ImagePath(p, Bad), bomb));

        Assert.Contains("not a valid PNG (a second IHDR chunk", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Item16_an_interlaced_16_bit_png_of_50000x50000_fails_alone_at_embedding_naming_it_and_the_rest_is_segmented()
    {
        var giant = TestImages.PngOf(
            ("IHDR", TestImages.Ihdr(50_000, 50_000, 16, TestImages.PngGray, interlace: 1)), ("IDAT", TestImages.ZeroRows(8, 64)), ("IEND", []));

        var failure = await RunWithBadImageAsync(p => File.WriteAllBytes(ImagePath(p, Bad), giant));

        Assert.Contains("image is 50000x50000 pixels (2,500,000,000), above the limit of 40,000,000 pixels (Images:MaxPixels)", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public Task Item17_a_7000x7000_support_annotation_is_refused_at_annotate_from_its_header_naming_it_and_the_limit() =>
        AssertAnnotationRefusedAsync(
            TestImages.PngOf(("IHDR", TestImages.Ihdr(7000, 7000, 8, TestImages.PngGray)), ("IDAT", TestImages.ZeroRows(7000, 7000)), ("IEND", [])),
            _ => "image is 7000x7000 pixels (49,000,000), above the limit of 40,000,000 pixels (Images:MaxPixels)");

    /// <summary>
    /// Runs a dataset whose image <see cref="Bad"/> was damaged; asserts that it failed alone (at embedding, named), left
    /// no blob of its own, and that every other query got its mask. Returns its failure.
    /// </summary>
    private async Task<ImageFailure> RunWithBadImageAsync(Action<PhantomDataset> damage)
    {
        var run = await RunToEndAsync(NewDatasetId(), damage);
        var status = run.Status;

        var failure = Assert.Single(status.Failures);
        Assert.Equal(BadName, failure.Image);
        Assert.Equal(StageNames.Embed, failure.Stage);
        Assert.Contains(DatasetBlobLayout.Image(run.Dataset, BadName), failure.Reason, StringComparison.Ordinal);
        Assert.True(status.Phase == DatasetPhase.Completed, $"expected the rest of the dataset to complete, got {status.Phase}: {status.Message}");
        Assert.Equal(ImageCount - K - 1, status.Segmented);
        await AssertMasksAsync(run.Dataset, ImageCount - K - 1);
        var stem = Path.GetFileNameWithoutExtension(BadName);
        var leftovers = (await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(run.Dataset)))
            .Where(b => b.Contains(stem, StringComparison.Ordinal) && b != DatasetBlobLayout.Image(run.Dataset, BadName) && b != DatasetBlobLayout.Truth(run.Dataset, BadName))
            .ToArray();
        Assert.True(leftovers.Length == 0, $"expected no blob written for the refused image {BadName}, found {string.Join(", ", leftovers)}");
        return failure;
    }

    /// <summary>Uploads phantoms (damaged first), selects, annotates from the ground truth and runs to the end.</summary>
    private async Task<(string Dataset, DatasetStatus Status)> RunToEndAsync(string dataset, Action<PhantomDataset>? damage)
    {
        using var phantoms = new PhantomDataset(ImageCount);
        damage?.Invoke(phantoms);
        await UploadAsync(fixture.Blobs, dataset, phantoms);
        var events = await SubscribeAsync(fixture.Client, dataset);
        await PrepareAsync(fixture.Client, fixture.Blobs, dataset);
        return (dataset, await PipelineFlow.RunToEndAsync(fixture.Client, dataset, events));
    }

    /// <summary>
    /// Selects supports, annotates all from the ground truth but the first, which gets <paramref name="annotation"/>,
    /// accepts; asserts the refusal kept the dataset waiting for annotations, a run is refused, no mask was written and
    /// the message names the bad annotation's blob followed by <paramref name="problemOf"/> (of the support's name).
    /// </summary>
    private async Task AssertAnnotationRefusedAsync(byte[] annotation, Func<string, string> problemOf)
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        await UploadAsync(fixture.Blobs, dataset, phantoms);
        var selected = await SelectAsync(fixture.Client, dataset);
        await WriteTruthAsAnnotationsAsync(fixture.Blobs, dataset, selected.Supports);
        var bad = selected.Supports[0];
        await fixture.Blobs.WriteAsync(DatasetBlobLayout.Annotation(dataset, bad), annotation, default);

        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        var status = await grain.AcceptAnnotationsAsync();

        Assert.Equal(DatasetPhase.AwaitingAnnotations, status.Phase);
        Assert.Equal([bad], status.MissingAnnotations);
        await Assert.ThrowsAsync<InvalidOperationException>(() => grain.RunAsync(new RunSettings()));
        await AssertMasksAsync(dataset, 0);
        Assert.Contains($"{DatasetBlobLayout.Annotation(dataset, bad)}: {problemOf(bad)}", status.Message ?? string.Empty, StringComparison.Ordinal);
    }

    private async Task AssertMasksAsync(string dataset, int expected)
    {
        foreach (var folder in new[] { "coarse/", "masks/" })
        {
            var masks = await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset) + folder);
            Assert.True(masks.Count == expected, $"expected {expected} blobs under {folder}, found {masks.Count}: {string.Join(", ", masks)}");
        }
    }

    private static byte[] Mask(int width, int height, float value)
    {
        using var mask = new GrayImage(width, height);
        mask.Pixels.Fill(value);
        return MaskFile.EncodePng(mask);
    }

    private static string ImagePath(PhantomDataset phantoms, int i) => Path.Combine(phantoms.ImagesDirectory, PhantomDataset.Name(i));

    private static string Reasons(DatasetStatus status) => string.Join("; ", status.Failures.Select(f => f.Reason));
}
