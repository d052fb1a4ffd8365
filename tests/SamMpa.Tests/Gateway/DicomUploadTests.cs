using System.Net;
using System.Net.Http.Headers;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Dicom;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// POST /datasets with DICOM parts: each instance imported by the converter the CLI uses (its images, provenance and
/// the instance kept), a bad one named in the answer with its reason while the others are ingested.
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

    private static ByteArrayContent Dicom(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/dicom");
        return content;
    }
}
