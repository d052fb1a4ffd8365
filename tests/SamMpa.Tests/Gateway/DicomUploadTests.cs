using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Dicom;
using SamMpa.Tests.Images;
using ResultArchive = SamMpa.Client.Gateway.ResultArchive;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// POST /datasets with DICOM parts: each instance imported by the converter the CLI uses (its images, provenance and
/// the instance kept), a bad one named in the answer with its reason while the others are ingested. A run's ZIP holds
/// each query's DICOM SEG beside its mask, and the CLI unpacks them.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class DicomUploadTests(GatewayFixture gateway) : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [DicomToolsFact]
    public async Task Dcm_parts_become_images_with_provenance_and_a_bad_one_is_named()
    {
        var files = new DicomTestFiles(_folder.Path);
        var first = await files.Native16Async("first", DicomTestFiles.Pattern16(1), "-i", "(0008,0080)=Site A");
        var second = await files.Native16Async("second", DicomTestFiles.Pattern16(2), "-i", "(0008,0080)=Site B");
        var bad = _folder.File("broken.dcm");
        await DicomPhantomFolder.WriteBadFileAsync(files, "no-pixels.dcm", bad);
        var key = await gateway.KeyForAsync("dicom-owner");
        using var http = gateway.Http(key);
        var dataset = PipelineFlow.NewDatasetId();
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(dataset), "id" },
            { new StringContent("64"), "workingSize" },
        };
        foreach (var path in new[] { first, second, bad })
        {
            upload.Add(Dicom(path), "images", Path.GetFileName(path));
        }

        var created = await http.PostAsync("/api/v1/datasets", upload);

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var creation = await GatewayJson.ReadAsync<DatasetCreated>(created);
        Assert.Equal(2, creation.Uploaded);
        var refused = Assert.Single(creation.NotIngested ?? []);
        Assert.StartsWith("broken.dcm: ", refused, StringComparison.Ordinal);
        Assert.Contains("no Pixel Data (7FE0,0010)", refused, StringComparison.Ordinal);
        var blobs = gateway.Cluster.Blobs;
        Assert.True(await blobs.ExistsAsync(DatasetBlobLayout.Image(dataset, "first.png"), default));
        var provenanceBlob = DatasetBlobLayout.Provenance(dataset, "second.png");
        var provenance = ImageProvenance.FromJson(await blobs.ReadAsync(provenanceBlob, default) ?? [], provenanceBlob);
        Assert.Equal(("Site B", "second.dcm"), (provenance.InstitutionName, provenance.SourceFile));
        Assert.Equal(File.ReadAllBytes(second), await blobs.ReadAsync(provenance.SourceInstanceBlob!, default));
        Assert.False(await blobs.ExistsAsync(DatasetBlobLayout.Image(dataset, "broken.png"), default));
    }

    [DicomToolsFact]
    public async Task A_run_of_dicom_images_downloads_with_each_querys_seg_which_the_cli_unpacks()
    {
        using var folder = await DicomPhantomFolder.CreateAsync(bad: []);
        var key = await gateway.KeyForAsync("dicom-downloader");
        using var http = gateway.Http(key);
        var dataset = PipelineFlow.NewDatasetId();
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(dataset), "id" },
            { new StringContent("64"), "workingSize" },
        };
        foreach (var instance in Directory.GetFiles(folder.ImagesDirectory, "*.dcm"))
        {
            upload.Add(Dicom(instance), "images", Path.GetFileName(instance));
        }

        Assert.Equal(HttpStatusCode.Created, (await http.PostAsync("/api/v1/datasets", upload)).StatusCode);
        var grain = gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/v1/datasets/{dataset}/selection", GatewayJson.Json(new SelectionRequest { K = 2 }))).StatusCode);
        var selected = await PipelineFlow.WaitAsync(grain, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed);
        Assert.True(selected.Phase == DatasetPhase.AwaitingAnnotations, $"expected 2 supports of the DICOM images, got {selected.Phase}: {selected.Message}");
        foreach (var support in selected.Supports)
        {
            using var mask = new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(folder.MasksDirectory, support)));
            mask.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            Assert.True((await http.PutAsync($"/api/v1/datasets/{dataset}/supports/{support}/annotation", mask)).IsSuccessStatusCode, $"expected the annotation of {support} to be taken");
        }

        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/v1/datasets/{dataset}/runs", GatewayJson.Json(new RunRequest { Stages = "mp" }))).StatusCode);
        var done = await PipelineFlow.WaitAsync(grain, s => s.IsFinished);
        Assert.True(done.Phase == DatasetPhase.Completed, $"expected the run of the DICOM images to complete, got {done.Phase}: {done.Message}");

        var zipped = await http.GetByteArrayAsync($"/api/v1/datasets/{dataset}/download.zip");
        var report = DatasetReport.Deserialize((await gateway.Cluster.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default))!);
        Assert.Equal(5, report.Outcomes.Count);
        using (var zip = new ZipArchive(new MemoryStream(zipped)))
        {
            foreach (var entry in report.Outcomes)
            {
                Assert.True(entry.Seg is not null, $"expected a SEG of query {entry.Image}, got none: {entry.Note}");
                var name = $"seg/{Path.ChangeExtension(entry.Image, ".dcm")}";
                var zippedSeg = zip.GetEntry(name);
                Assert.True(zippedSeg is not null, $"expected {name} in the run's ZIP, which holds {string.Join(", ", zip.Entries.Select(e => e.FullName))}");
                using var content = new MemoryStream();
                await using (var stream = zippedSeg!.Open())
                {
                    await stream.CopyToAsync(content);
                }

                Assert.Equal(await gateway.Cluster.Blobs.ReadAsync(entry.Seg!, default), content.ToArray());
            }
        }

        // sammpa download --gateway: the same ZIP unpacked, the SEGs in seg/.
        var zipPath = _folder.File("run.zip");
        await File.WriteAllBytesAsync(zipPath, zipped);
        var unpacked = _folder.File("downloaded");
        var (masks, coarse, segs) = ResultArchive.Extract(zipPath, unpacked, coarse: false, dataset);
        Assert.Equal((5, 0, 5), (masks, coarse, segs));
        Assert.All(report.Outcomes, entry => Assert.True(
            File.Exists(Path.Combine(unpacked, ResultArchive.Seg, Path.ChangeExtension(entry.Image, ".dcm"))), $"expected the SEG of {entry.Image} unpacked in seg/"));
    }

    private static ByteArrayContent Dicom(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        return content;
    }
}
