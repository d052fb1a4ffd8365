using System.Net;
using System.Net.Http.Headers;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Dicom;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// The gateway writes uploads with its own storage credentials, so the dataset's owner must be settled before the first
/// byte: an id being uploaded to is claimed by its uploader, and no other key can add files to it or create it; and a
/// dataset of a blob prefix outside the datasets' folders needs an admin key or an allowed prefix.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayUploadAccessTests(GatewayFixture gateway)
{
    [Fact]
    public async Task An_id_being_uploaded_to_is_the_uploaders_and_another_key_can_neither_add_files_nor_create_it()
    {
        using var alice = gateway.Http(await gateway.KeyForAsync("gw-upload-alice"));
        using var mallory = gateway.Http(await gateway.KeyForAsync("gw-upload-mallory"));
        using var phantoms = new PhantomDataset(2);
        var dataset = PipelineFlow.NewDatasetId();

        // Alice's upload stops at a bad part after the id: the id is hers, though nothing is created yet.
        using (var interrupted = Upload(dataset, phantoms, extraPart: "bogus"))
        {
            await GatewayJson.ProblemAsync(await alice.PostAsync("/api/v1/datasets", interrupted), 400, "bogus");
        }

        using (var intruding = Upload(dataset, phantoms))
        {
            await GatewayJson.ProblemAsync(await mallory.PostAsync("/api/v1/datasets", intruding), 403, dataset);
        }

        Assert.False(
            await gateway.Cluster.Blobs.ExistsAsync(DatasetBlobLayout.Image(dataset, PhantomDataset.Name(0)), default),
            "expected no file of the refused upload in the dataset's folder");
        Assert.Equal(HttpStatusCode.Forbidden, (await mallory.GetAsync($"/api/v1/datasets/{dataset}/events")).StatusCode);

        using (var completed = Upload(dataset, phantoms))
        {
            var created = await GatewayJson.ReadAsync<DatasetCreated>(await alice.PostAsync("/api/v1/datasets", completed));
            Assert.Equal(2, created.Uploaded);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await mallory.GetAsync($"/api/v1/datasets/{dataset}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await alice.GetAsync($"/api/v1/datasets/{dataset}")).StatusCode);
    }

    [Fact]
    public async Task A_prefix_outside_the_datasets_folders_needs_an_admin_key_or_an_allowed_prefix()
    {
        var key = await gateway.KeyForAsync("gw-prefix-user");
        using var user = gateway.Http(key);
        var request = new CreateFromPrefixRequest { Id = PipelineFlow.NewDatasetId(), ImagePrefix = "archive/other-tenant/" };

        await GatewayJson.ProblemAsync(await user.PostAsync("/api/v1/datasets", GatewayJson.Json(request)), 403, "archive/other-tenant/");

        // Past the check, the empty prefix is what stops them: 400, not 403.
        using var admin = gateway.Http(GatewayKeys.Admin);
        await GatewayJson.ProblemAsync(await admin.PostAsync("/api/v1/datasets", GatewayJson.Json(request)), 400, "archive/other-tenant/");
        await using var allowing = gateway.With("Gateway:ImportPrefixes:0", "archive/");
        using var allowed = allowing.CreateClient();
        allowed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await GatewayJson.ProblemAsync(
            await allowed.PostAsync("/api/v1/datasets", GatewayJson.Json(request with { Id = PipelineFlow.NewDatasetId() })), 400, "archive/other-tenant/");
    }

    [DicomToolsFact]
    public async Task Dicom_under_a_prefix_is_imported_into_the_dataset_and_a_bad_instance_is_named()
    {
        var prefix = $"archive/mixed-{Guid.NewGuid():N}/";
        using var phantoms = new PhantomDataset(2);
        using var folder = new TempFolder();
        var blobs = gateway.Cluster.Blobs;
        await blobs.WriteAsync(prefix + "broken.dcm", new byte[] { 1, 2, 3 }, default);
        using var admin = gateway.Http(GatewayKeys.Admin);

        // A bad instance alone: nothing to make a dataset of, and the refusal names it.
        await GatewayJson.ProblemAsync(
            await admin.PostAsync("/api/v1/datasets", GatewayJson.Json(new CreateFromPrefixRequest { Id = PipelineFlow.NewDatasetId(), ImagePrefix = prefix })),
            400, "broken.dcm: ");
        for (var i = 0; i < 2; i++)
        {
            await blobs.WriteAsync(prefix + PhantomDataset.Name(i), await File.ReadAllBytesAsync(Path.Combine(phantoms.ImagesDirectory, PhantomDataset.Name(i))), default);
        }

        var instance = await new DicomTestFiles(folder.Path).Native16Async("scan", DicomTestFiles.Pattern16(1), "-i", "(0008,0080)=Site A");
        await blobs.WriteAsync(prefix + "scan.dcm", await File.ReadAllBytesAsync(instance), default);
        var dataset = PipelineFlow.NewDatasetId();

        var created = await admin.PostAsync("/api/v1/datasets", GatewayJson.Json(new CreateFromPrefixRequest { Id = dataset, ImagePrefix = prefix }));

        Assert.True(created.StatusCode == HttpStatusCode.Created, $"expected 201 Created, got {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        var creation = await GatewayJson.ReadAsync<DatasetCreated>(created);
        Assert.Equal(3, creation.Uploaded);
        Assert.StartsWith("broken.dcm: ", Assert.Single(creation.NotIngested ?? []), StringComparison.Ordinal);
        foreach (var image in new[] { PhantomDataset.Name(0), PhantomDataset.Name(1), "scan.png" })
        {
            Assert.True(await blobs.ExistsAsync(DatasetBlobLayout.Image(dataset, image), default), $"expected {image} in the dataset's own folder");
        }

        var provenanceBlob = DatasetBlobLayout.Provenance(dataset, "scan.png");
        Assert.Equal("Site A", ImageProvenance.FromJson(await blobs.ReadAsync(provenanceBlob, default) ?? [], provenanceBlob).InstitutionName);
        Assert.Equal(3, (await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync()).Images);

        // A dataset read in place from such a prefix (the grain's API, which no front end uses for it) names the DICOM.
        var inPlace = await gateway.Cluster.Client.GetGrain<IDatasetGrain>(PipelineFlow.NewDatasetId()).CreateAsync(new CreateDataset { ImagePrefix = prefix, WorkingSize = 64 });
        Assert.Contains("2 of them are DICOM", inPlace.Message, StringComparison.Ordinal);
        Assert.Contains("sammpa ingest --prefix", inPlace.Message, StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Upload(string dataset, PhantomDataset phantoms, string? extraPart = null)
    {
        var upload = new MultipartFormDataContent
        {
            { new StringContent(dataset), "id" },
            { new StringContent("64"), "workingSize" },
        };
        if (extraPart is not null)
        {
            upload.Add(new ByteArrayContent([1, 2, 3]), extraPart, "x.png");
            return upload;
        }

        for (var i = 0; i < 2; i++)
        {
            var content = new ByteArrayContent(File.ReadAllBytes(Path.Combine(phantoms.ImagesDirectory, PhantomDataset.Name(i))));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            upload.Add(content, "images", PhantomDataset.Name(i));
        }

        return upload;
    }
}
