using Microsoft.Extensions.Logging.Abstractions;
using SamMpa.Dicom;
using SamMpa.Dicom.Import;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Grains.Images;
using SamMpa.Imaging.Images;
using SamMpa.Storage;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// A published run's SEG blobs: written for images from DICOM, none for other images, stale ones deleted as masks are,
/// and a SEG that cannot be written is a note for that image alone.
/// </summary>
public sealed class DicomRunSegmentationTests : IDisposable
{
    private const string Dataset = "seg-run";
    private readonly TempFolder _folder = new();
    private readonly LocalFolderBlobStore _blobs;

    public DicomRunSegmentationTests() => _blobs = new LocalFolderBlobStore(_folder.File("blobs"));

    public void Dispose() => _folder.Dispose();

    [DicomToolsFact]
    public async Task Dicom_images_get_a_seg_a_broken_source_gets_a_note_and_stale_segs_are_deleted()
    {
        var files = new DicomTestFiles(_folder.Path);
        foreach (var name in new[] { "good", "lost" })
        {
            var import = await new DicomImporter().ImportAsync(await files.Native16Async(name, DicomTestFiles.Pattern16()));
            foreach (var blob in DicomDatasetBlobs.Of(Dataset, import))
            {
                await _blobs.WriteAsync(blob.Name, blob.Content, default);
            }

            if (name == "lost")
            {
                await _blobs.DeleteAsync(DicomDatasetBlobs.SourceInstanceBlob(Dataset, import), default);
            }
        }

        var stale = DatasetBlobLayout.Segmentation(Dataset, "former.png");
        await _blobs.WriteAsync(stale, new byte[] { 1, 2, 3 }, default);
        var outcomes = new List<ImageOutcome>();
        foreach (var image in new[] { "good.png", "lost.png", "plain.png" })
        {
            using var mask = new GrayImage(DicomTestFiles.Width, DicomTestFiles.Height);
            mask[10, 12] = 1;
            var blob = DatasetBlobLayout.FinalMask(Dataset, image);
            await _blobs.WriteAsync(blob, MaskFile.EncodePng(mask), default);
            outcomes.Add(new ImageOutcome { Image = image, MaskBlob = blob });
        }

        var segs = await RunSegmentations.PublishAsync(_blobs, Dataset, outcomes, new DicomSegOptions(), ImageLimits.Default, new SamMpa.Dicom.Web.DicomWebOptions(), NullLogger.Instance, default);

        Assert.Equal(DatasetBlobLayout.Segmentation(Dataset, "good.png"), segs["good.png"].Blob);
        var seg = (await _blobs.ReadAsync(segs["good.png"].Blob!, default))!;
        Assert.True(seg.AsSpan(128, 4).SequenceEqual("DICM"u8), "the SEG blob is a Part-10 file");
        Assert.True(seg.AsSpan().IndexOf(System.Text.Encoding.ASCII.GetBytes(DicomSegInstance.SopClassUid)) >= 0, "the SEG blob is a Segmentation");
        Assert.Null(segs["lost.png"].Blob);
        Assert.Contains("the source instance is missing", segs["lost.png"].Note, StringComparison.Ordinal);
        Assert.False(segs.ContainsKey("plain.png"), "an image not read from DICOM has no SEG and no note");
        Assert.False(await _blobs.ExistsAsync(stale, default), "a SEG of an image without a mask now is deleted");
    }

    [DicomToolsFact]
    public async Task Segs_of_images_from_the_silos_dicomweb_server_are_sent_back_and_a_refusal_is_a_note_not_a_failure()
    {
        // Nothing listens on port 1: the store fails at once, and costs those SEGs their copy there only.
        var silosServer = new SamMpa.Dicom.Web.DicomWebOptions { ServiceRoot = "http://127.0.0.1:1/dicom-web", Timeout = TimeSpan.FromSeconds(30) };
        var files = new DicomTestFiles(_folder.Path);
        var outcomes = new List<ImageOutcome>();
        foreach (var (name, root) in new[] { ("ours", "http://127.0.0.1:1/dicom-web/"), ("theirs", "http://pacs.example:8042/dicom-web/"), ("file", null) })
        {
            var import = await new DicomImporter().ImportAsync(await files.Native16Async(name, DicomTestFiles.Pattern16()));
            foreach (var blob in DicomDatasetBlobs.Of(Dataset, import))
            {
                await _blobs.WriteAsync(blob.Name, blob.Content, default);
            }

            var provenanceBlob = SamMpa.Storage.DatasetBlobLayout.Provenance(Dataset, $"{name}.png");
            var provenance = SamMpa.Grains.Datasets.ImageProvenance.FromJson((await _blobs.ReadAsync(provenanceBlob, default))!, provenanceBlob);
            await _blobs.WriteAsync(provenanceBlob, (provenance with { DicomWebRoot = root }).ToJson(), default);
            using var mask = new GrayImage(DicomTestFiles.Width, DicomTestFiles.Height);
            mask[10, 12] = 1;
            var maskBlob = DatasetBlobLayout.FinalMask(Dataset, $"{name}.png");
            await _blobs.WriteAsync(maskBlob, MaskFile.EncodePng(mask), default);
            outcomes.Add(new ImageOutcome { Image = $"{name}.png", MaskBlob = maskBlob });
        }

        var segs = await RunSegmentations.PublishAsync(_blobs, Dataset, outcomes, new DicomSegOptions(), ImageLimits.Default, silosServer, NullLogger.Instance, default);

        Assert.All(segs.Values, seg => Assert.NotNull(seg.Blob));
        Assert.StartsWith("stow: STOW-RS POST http://127.0.0.1:1/dicom-web/studies", segs["ours.png"].Note, StringComparison.Ordinal);
        Assert.Contains("not sent back to http://pacs.example:8042/dicom-web/", segs["theirs.png"].Note, StringComparison.Ordinal);
        Assert.Contains("DicomWeb:ServiceRoot http://127.0.0.1:1/dicom-web only", segs["theirs.png"].Note, StringComparison.Ordinal);
        Assert.Null(segs["file.png"].Note);
    }
}
