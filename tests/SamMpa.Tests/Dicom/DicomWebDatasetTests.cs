using SamMpa.Client.Cluster;
using SamMpa.Client.Commands;
using SamMpa.Client.Evaluation;
using SamMpa.Dicom;
using SamMpa.Dicom.Import;
using SamMpa.Dicom.Web;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Images;
using SamMpa.Tests.Registration;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// A DICOMweb archive (Orthanc) as a dataset's source and its results' destination: phantom instances of two sites are
/// stored with STOW-RS, retrieved by study (QIDO-RS, WADO-RS) and staged as `ingest --dicomweb` does, evaluated on the
/// product's pipeline (a silo embedded in the test, configured with the archive as its DicomWeb server); each image's
/// provenance names its site and the archive, and every query's SEG is then in the archive, in its source's study,
/// referencing its source instance.
/// </summary>
[Collection(OrthancCollection.Name)]
public sealed class DicomWebDatasetTests
{
    private const int Instances = 4;

    private readonly OrthancFixture _orthanc;
    private readonly DicomUidGenerator _uids = new(null);

    // Orthanc 1.10's QIDO-RS does not match a value holding a space, so site names have none.
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];

    public DicomWebDatasetTests(OrthancFixture orthanc) => _orthanc = orthanc;

    [OrthancFact]
    public async Task Instances_of_two_sites_are_ingested_from_the_archive_and_their_segs_stored_back_there()
    {
        using var phantoms = new PhantomDataset(count: Instances, size: DicomPhantomFolder.Size);
        var archive = await MakeArchiveAsync(phantoms);
        using var client = _orthanc.NewClient();
        (await client.StoreAsync(archive.Files.Select(DicomWebUpload.FromFile).ToList())).ThrowIfAnyFailed();

        using var staging = await DicomStaging.RetrieveAsync(
            client, new DicomWebSelection { Studies = [archive.StudyA, archive.StudyB] }, new DicomImporter(), CancellationToken.None);

        Assert.Empty(staging.Failures);
        Assert.Equal(archive.Sources.Keys.Order(StringComparer.Ordinal), staging.ImagePaths.Select(Path.GetFileName));

        // Ground truth under the staged images' names ({SOP Instance UID}.png); the images come from the staging only.
        var masks = Directory.CreateDirectory(Path.Combine(phantoms.Root, "dicomweb-masks")).FullName;
        var images = Directory.CreateDirectory(Path.Combine(phantoms.Root, "dicomweb-images")).FullName;
        foreach (var (image, source) in archive.Sources)
        {
            File.Copy(Path.Combine(phantoms.MasksDirectory, source.Phantom), Path.Combine(masks, image));
        }

        var options = new EvalOptions
        {
            ImagesDirectory = images,
            MasksDirectory = masks,
            OutputDirectory = phantoms.OutputDirectory,
            Shots = [1],
            Stages = Stage.Es | Stage.Mp,
            WorkingSize = 64,
            Registration = QuickRegistrationMaps.Options,
        };
        var overrides = EvalCommand.EmbeddedOverrides(options);
        overrides["DicomWeb:ServiceRoot"] = _orthanc.Options.ServiceRoot;
        overrides["DicomWeb:UserName"] = _orthanc.Options.UserName;
        overrides["DicomWeb:Password"] = _orthanc.Options.Password;
        var dataset = EvalDatasetId.Of(options, ClusterEval.Validate(options, staging), staging.Sources);
        await using var connection = await ClusterOptions.ConnectOrEmbedAsync(
            useCluster: false, settingsFile: null, new DirectoryInfo(phantoms.HomeDirectory), overrides, options.Registration, new SilentProgress(), CancellationToken.None);
        var report = (await new ClusterEval(connection, options, new SilentProgress(), staging).RunAsync(CancellationToken.None)).Report;

        foreach (var (image, source) in archive.Sources)
        {
            var blob = DatasetBlobLayout.Provenance(dataset, image);
            var provenance = ImageProvenance.FromJson(await connection.Blobs.ReadAsync(blob, CancellationToken.None) ?? throw new InvalidOperationException($"{blob} is missing"), blob);
            Assert.Equal((source.Site, source.Study, _orthanc.Options.ServiceRoot), (provenance.InstitutionName, provenance.StudyInstanceUid, provenance.DicomWebRoot));
        }

        var run = Assert.Single(report.Runs);
        Assert.Equal(0, run.Failed);
        var queries = archive.Sources.Keys.Except(run.Supports).ToArray();
        Assert.Equal(Instances - 1, queries.Length);
        using var segFolder = new TempFolder();
        var referenced = new List<string>();
        foreach (var study in new[] { archive.StudyA, archive.StudyB })
        {
            foreach (var seg in await client.SearchInstancesAsync(DicomWebQuery.Where("Modality", "SEG"), studyInstanceUid: study))
            {
                var path = Path.Combine(segFolder.Path, seg.SopInstanceUid + ".dcm");
                await client.RetrieveInstanceAsync(study, seg.SeriesInstanceUid, seg.SopInstanceUid, path);
                var read = await DicomSegCheckers.ReadWithPydicomAsync(path);
                var instance = Assert.Single(read.GetProperty("referencedInstances").EnumerateArray()).GetString()!;
                Assert.Equal(study, archive.Sources[instance + ".png"].Study);
                referenced.Add(instance);
            }
        }

        Assert.Equal(queries.Select(q => q[..^".png".Length]).Order(StringComparer.Ordinal), referenced.Order(StringComparer.Ordinal));
    }

    [OrthancFact]
    public async Task An_instance_that_cannot_be_imported_is_named_by_its_uids_and_the_rest_are_staged()
    {
        using var phantoms = new PhantomDataset(count: 2, size: DicomPhantomFolder.Size);
        var archive = await MakeArchiveAsync(phantoms, instances: 2);
        var files = new DicomTestFiles(Path.Combine(phantoms.Root, "dicom-work"));
        var colourUid = _uids.NewUid();
        var colour = await files.ColourAsync("colour");
        await files.ModifyAsync(colour, "-i", $"(0020,000D)={archive.StudyA}", "-i", $"(0008,0018)={colourUid}");
        using var client = _orthanc.NewClient();
        (await client.StoreAsync([.. archive.Files.Select(DicomWebUpload.FromFile), DicomWebUpload.FromFile(colour)])).ThrowIfAnyFailed();

        using var staging = await DicomStaging.RetrieveAsync(
            client, new DicomWebSelection { Studies = [archive.StudyA] }, new DicomImporter(), CancellationToken.None);

        var failure = Assert.Single(staging.Failures);
        Assert.StartsWith($"instance {colourUid} (study {archive.StudyA}, series ", failure.File, StringComparison.Ordinal);
        Assert.Contains("colour image", failure.Reason, StringComparison.Ordinal);
        Assert.Equal(archive.Sources.Keys.Order(StringComparer.Ordinal), staging.ImagePaths.Select(Path.GetFileName));
        Assert.Equal(3, staging.Files);
    }

    [Fact]
    public void A_selection_of_nothing_or_of_a_bad_uid_is_refused_naming_it()
    {
        Assert.Contains(new DicomWebSelection().Problems(), p => p.Contains("nothing selected", StringComparison.Ordinal));
        Assert.Equal(
            ["'1.2.x' is not a DICOM UID (digits and dots)"],
            new DicomWebSelection { Studies = ["1.2.3"], Series = ["1.2.x"] }.Problems());
        Assert.Empty(new DicomWebSelection { Query = DicomWebQuery.Where("InstitutionName", "SITEA") }.Problems());
    }

    // Phantoms 0 and 1 are site A's (one study), 2 and 3 site B's; each instance has its own UID, which names its image.
    private async Task<Archive> MakeArchiveAsync(PhantomDataset phantoms, int instances = Instances)
    {
        var files = new DicomTestFiles(Directory.CreateDirectory(Path.Combine(phantoms.Root, "dicom-work")).FullName);
        var (studyA, studyB) = (_uids.NewUid(), _uids.NewUid());
        var (seriesA, seriesB) = (_uids.NewUid(), _uids.NewUid());
        var made = new List<string>();
        var sources = new Dictionary<string, Source>(StringComparer.Ordinal);
        for (var i = 0; i < instances; i++)
        {
            var phantom = PhantomDataset.Name(i);
            var (study, series, site, vendor) = i < 2 ? (studyA, seriesA, $"SITEA-{_run}", "VendorA") : (studyB, seriesB, $"SITEB-{_run}", "VendorB");
            var instance = _uids.NewUid();
            using var image = ImageFile.Read(Path.Combine(phantoms.ImagesDirectory, phantom));
            var levels = image.Pixels.ToArray().Select(Png16Encoder.Sample).ToArray();
            made.Add(await files.Native16Async(
                $"instance{i}", levels, DicomPhantomFolder.Size, DicomPhantomFolder.Size,
                "-i", $"(0020,000D)={study}", "-i", $"(0020,000E)={series}", "-i", $"(0008,0018)={instance}",
                "-i", $"(0008,0080)={site}", "-i", $"(0008,0070)={vendor}"));
            sources[instance + ".png"] = new Source(phantom, study, site);
        }

        return new Archive(studyA, studyB, made, sources);
    }

    private sealed record Source(string Phantom, string Study, string Site);

    private sealed record Archive(string StudyA, string StudyB, IReadOnlyList<string> Files, IReadOnlyDictionary<string, Source> Sources);

    private sealed class SilentProgress : IEvalProgress
    {
        public void StageStarted(string stage, int total)
        {
        }

        public void ItemCompleted(string stage, string item)
        {
        }

        public void StageCompleted(string stage)
        {
        }

        public void Warning(string message)
        {
        }
    }
}
