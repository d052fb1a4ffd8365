using System.Net;
using SamMpa.Dicom;
using SamMpa.Dicom.Web;
using SamMpa.Tests.Images;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The DICOMweb client against a real archive (Orthanc with its DICOMweb plugin): instances the toolkits make from
/// two sites (one JPEG lossless, one multi-frame) are stored with STOW-RS, found with QIDO-RS by study and by site,
/// and retrieved with WADO-RS pixel for pixel; a segmentation goes back and is found; failures name what failed.
/// Every test makes its own study, series and instance UIDs and its own site names, so tests never see each other's data.
/// </summary>
[Collection(OrthancCollection.Name)]
public sealed class DicomWebClientTests : IDisposable
{
    private const string JpegLossless = "1.2.840.10008.1.2.4.70";
    private const string MultiFrameGrayscaleWordSecondaryCapture = "1.2.840.10008.5.1.4.1.1.7.3";

    private readonly OrthancFixture _orthanc;
    private readonly TempFolder _folder = new();
    private readonly DicomTestFiles _files;
    private readonly DicomUidGenerator _uids = new(null);

    // Orthanc 1.10's QIDO-RS does not match a value holding a space, so site names have none.
    private readonly string _run = Guid.NewGuid().ToString("N")[..12];
    private string SiteA => $"SITEA-{_run}";
    private string SiteB => $"SITEB-{_run}";

    public DicomWebClientTests(OrthancFixture orthanc)
    {
        _orthanc = orthanc;
        _files = new DicomTestFiles(_folder.Path);
    }

    public void Dispose() => _folder.Dispose();

    [OrthancFact]
    public async Task Three_instances_from_two_sites_are_stored_and_found_by_study_and_by_site()
    {
        var archive = await MakeArchiveAsync();
        using var client = _orthanc.NewClient();

        var result = await client.StoreAsync(archive.Paths.Select(DicomWebUpload.FromFile).ToList());

        Assert.Empty(result.Failed);
        Assert.Equal(archive.Paths, result.Stored.Select(stored => stored.Name));
        Assert.Equal(archive.InstanceUids, result.Stored.Select(stored => stored.SopInstanceUid));
        var studyA = Assert.Single(await client.SearchStudiesAsync(DicomWebQuery.Where("StudyInstanceUID", archive.StudyA)));
        Assert.Equal((archive.StudyA, SiteA), (studyA.StudyInstanceUid, studyA.InstitutionName));
        Assert.Equal(archive.StudyB, Assert.Single(await client.SearchStudiesAsync(DicomWebQuery.Where("InstitutionName", SiteB))).StudyInstanceUid);
        var instancesA = await client.SearchInstancesAsync(studyInstanceUid: archive.StudyA);
        Assert.Equal(
            [(archive.InstanceUids[0], SiteA, "VendorA"), (archive.InstanceUids[1], SiteA, "VendorA")],
            instancesA.Select(i => (i.SopInstanceUid, i.InstitutionName, i.Manufacturer)).OrderBy(i => Array.IndexOf(archive.InstanceUids, i.SopInstanceUid)));
        var multiFrame = Assert.Single(await client.SearchInstancesAsync(studyInstanceUid: archive.StudyB, seriesInstanceUid: archive.SeriesB));
        Assert.Equal((archive.InstanceUids[2], SiteB, "VendorB", 3), (multiFrame.SopInstanceUid, multiFrame.InstitutionName, multiFrame.Manufacturer, multiFrame.NumberOfFrames));
        var seriesA = Assert.Single(await client.SearchSeriesAsync(DicomWebQuery.Where("InstitutionName", SiteA)));
        Assert.Equal((archive.StudyA, archive.SeriesA, SiteA, "VendorA"), (seriesA.StudyInstanceUid, seriesA.SeriesInstanceUid, seriesA.InstitutionName, seriesA.Manufacturer));
        Assert.Equal(
            [archive.InstanceUids[2]],
            (await client.SearchInstancesAsync(DicomWebQuery.Where("InstitutionName", SiteB).And("Manufacturer", "VendorB"))).Select(i => i.SopInstanceUid));
    }

    [OrthancFact]
    public async Task Paging_with_limit_and_offset_returns_every_instance_once()
    {
        var archive = await MakeArchiveAsync();
        using var client = _orthanc.NewClient();
        (await client.StoreAsync(archive.Paths.Select(DicomWebUpload.FromFile).ToList())).ThrowIfAnyFailed();

        // Both sites' instances: a wildcard over the two site names of this test.
        var bothSites = DicomWebQuery.Where("InstitutionName", $"SITE?-{_run}");
        var first = await client.SearchInstancesAsync(bothSites.Page(2, 0));
        var second = await client.SearchInstancesAsync(bothSites.Page(2, 2));

        Assert.Equal((2, 1), (first.Count, second.Count));
        Assert.Equal(archive.InstanceUids.Order(), first.Concat(second).Select(i => i.SopInstanceUid).Order());
        using var pagedByOne = new DicomWebClient(_orthanc.Options with { PageSize = 1 });
        var all = new List<string>();
        await foreach (var instance in pagedByOne.SearchAllInstancesAsync(bothSites))
        {
            all.Add(instance.SopInstanceUid);
        }

        Assert.Equal(archive.InstanceUids.Order(), all.Order());
    }

    [OrthancFact]
    public async Task Each_instance_comes_back_by_wado_in_its_transfer_syntax_with_the_same_pixels()
    {
        var archive = await MakeArchiveAsync();
        using var client = _orthanc.NewClient();
        (await client.StoreAsync(archive.Paths.Select(DicomWebUpload.FromFile).ToList())).ThrowIfAnyFailed();
        var reader = new DicomImageReader();

        for (var i = 0; i < archive.Paths.Length; i++)
        {
            var (study, series) = i < 2 ? (archive.StudyA, archive.SeriesA) : (archive.StudyB, archive.SeriesB);
            var retrieved = _folder.File($"retrieved-{i}.dcm");
            var length = await client.RetrieveInstanceAsync(study, series, archive.InstanceUids[i], retrieved);

            Assert.Equal(new FileInfo(retrieved).Length, length);
            using var original = await reader.ReadAsync(archive.Paths[i]);
            using var back = await reader.ReadAsync(retrieved);
            Assert.Equal(original.Header.TransferSyntax.Uid, back.Header.TransferSyntax.Uid);
            Assert.Equal(original.Frames.Count, back.Frames.Count);
            for (var frame = 0; frame < original.Frames.Count; frame++)
            {
                Assert.True(original.Frames[frame].Pixels.SequenceEqual(back.Frames[frame].Pixels), $"{archive.Paths[i]} frame {frame + 1} differs after WADO-RS");
            }
        }

        Assert.Equal(JpegLossless, (await reader.ReadAsync(_folder.File("retrieved-1.dcm"))).Header.TransferSyntax.Uid);
    }

    [OrthancFact]
    public async Task A_series_is_retrieved_instance_by_instance_into_a_folder()
    {
        var archive = await MakeArchiveAsync();
        using var client = _orthanc.NewClient();
        (await client.StoreAsync(archive.Paths.Select(DicomWebUpload.FromFile).ToList())).ThrowIfAnyFailed();
        var folder = _folder.File("series-a");

        var retrieved = await client.RetrieveSeriesAsync(archive.StudyA, archive.SeriesA, folder);

        Assert.Equal(archive.InstanceUids[..2].Order(), retrieved.Select(r => r.Instance.SopInstanceUid).Order());
        Assert.Equal(
            retrieved.Select(r => Path.Combine(folder, r.Instance.SopInstanceUid + ".dcm")).Order(),
            Directory.GetFiles(folder).Order());
    }

    [OrthancFact]
    public async Task A_segmentation_of_a_stored_instance_is_stored_and_found_by_qido()
    {
        var archive = await MakeArchiveAsync();
        using var client = _orthanc.NewClient();
        (await client.StoreAsync(archive.Paths.Select(DicomWebUpload.FromFile).ToList())).ThrowIfAnyFailed();
        using var source = await new DicomImageReader().ReadAsync(archive.Paths[0]);
        using var mask = DicomSegTestData.Mask(DicomTestFiles.Width, DicomTestFiles.Height);
        var seg = new DicomSegWriter(DicomSegTestData.Options).Write(source, [mask]);

        var result = await client.StoreAsync([DicomWebUpload.FromSegmentation("seg-of-a", seg)], archive.StudyA);

        Assert.Equal(("seg-of-a", seg.SopInstanceUid, DicomSegInstance.SopClassUid), (Assert.Single(result.Stored).Name, result.Stored[0].SopInstanceUid, result.Stored[0].SopClassUid));
        var found = Assert.Single(await client.SearchSeriesAsync(DicomWebQuery.Where("Modality", "SEG"), archive.StudyA));
        Assert.Equal(seg.SeriesInstanceUid, found.SeriesInstanceUid);
        var instance = Assert.Single(await client.SearchInstancesAsync(null, archive.StudyA, seg.SeriesInstanceUid));
        Assert.Equal((seg.SopInstanceUid, DicomSegInstance.SopClassUid), (instance.SopInstanceUid, instance.SopClassUid));
        using var back = new MemoryStream();
        await client.RetrieveInstanceAsync(archive.StudyA, seg.SeriesInstanceUid, seg.SopInstanceUid, back);
        Assert.Equal(seg.Content, back.ToArray());
    }

    [OrthancFact]
    public async Task A_store_with_a_file_that_is_not_dicom_names_that_file_as_failed_and_stores_the_rest()
    {
        var archive = await MakeArchiveAsync();
        var notDicom = _folder.File("notes.txt");
        await File.WriteAllTextAsync(notDicom, "this is a text file, not a DICOM instance");
        using var client = _orthanc.NewClient();

        var result = await client.StoreAsync([DicomWebUpload.FromFile(archive.Paths[0]), DicomWebUpload.FromFile(notDicom)]);

        Assert.Equal(archive.InstanceUids[0], Assert.Single(result.Stored).SopInstanceUid);
        var failure = Assert.Single(result.Failed);
        Assert.Equal(notDicom, failure.Name);
        Assert.Contains("not a DICOM Part-10 file", failure.Reason, StringComparison.Ordinal);
        var error = Assert.Throws<DicomWebException>(result.ThrowIfAnyFailed);
        Assert.Contains($"1 of 2 instance(s) not stored: {notDicom}: not stored (HTTP 400); not a DICOM Part-10 file", error.Message, StringComparison.Ordinal);
        Assert.Single(await client.SearchInstancesAsync(studyInstanceUid: archive.StudyA));
    }

    [OrthancFact]
    public async Task Retrieving_from_an_unknown_study_fails_with_404_naming_the_url_and_the_instance()
    {
        var (study, series, instance) = (_uids.NewUid(), _uids.NewUid(), _uids.NewUid());
        var path = _folder.File("absent.dcm");
        using var client = _orthanc.NewClient();

        var error = await Assert.ThrowsAsync<DicomWebException>(() => client.RetrieveInstanceAsync(study, series, instance, path));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        var url = $"{_orthanc.Options.ServiceRoot}studies/{study}/series/{series}/instances/{instance}";
        Assert.Equal(url, error.Url);
        Assert.StartsWith($"WADO-RS GET {url}: 404 Not Found: the server has no instance {instance} (study {study}, series {series}); the server said: ", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_folder.Path));
        Assert.Empty(await client.SearchSeriesAsync(studyInstanceUid: study));
    }

    [OrthancFact]
    public async Task A_wrong_password_is_reported_as_401_asking_for_credentials()
    {
        using var client = new DicomWebClient(_orthanc.Options with { Password = "wrong" });

        var error = await Assert.ThrowsAsync<DicomWebException>(() => client.SearchStudiesAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Contains("401 Unauthorized: the server wants credentials", error.Message, StringComparison.Ordinal);
    }

    // A study per site (Orthanc keeps InstitutionName per study, as a site's studies are): site A's series holds a
    // 16-bit native instance and a JPEG lossless one, site B's a 3-frame instance.
    private async Task<Archive> MakeArchiveAsync()
    {
        var (studyA, studyB) = (_uids.NewUid(), _uids.NewUid());
        var (seriesA, seriesB) = (_uids.NewUid(), _uids.NewUid());
        string[] instances = [_uids.NewUid(), _uids.NewUid(), _uids.NewUid()];
        static string[] Tags(string study, string series, string instance, string site, string vendor) =>
        [
            "-i", $"(0020,000D)={study}", "-i", $"(0020,000E)={series}", "-i", $"(0008,0018)={instance}",
            "-i", $"(0008,0080)={site}", "-i", $"(0008,0070)={vendor}",
        ];

        var native = await _files.Native16Async("a", DicomTestFiles.Pattern16(1), Tags(studyA, seriesA, instances[0], SiteA, "VendorA"));
        var lossless = await _files.Native16Async("b-native", DicomTestFiles.Pattern16(2), Tags(studyA, seriesA, instances[1], SiteA, "VendorA"));
        var compressed = await _files.ConvertAsync(lossless, "b", "dcmcjpeg", "+e1");
        ushort[][] frames = [DicomTestFiles.Pattern16(3), DicomTestFiles.Pattern16(4), DicomTestFiles.Pattern16(5)];
        var pixelData = _files.File("frames.raw");
        await File.WriteAllBytesAsync(pixelData, frames.SelectMany(frame => frame.SelectMany(BitConverter.GetBytes)).ToArray());
        var multiFrame = await _files.Native16Async(
            "c", frames[0],
            [.. Tags(studyB, seriesB, instances[2], SiteB, "VendorB"), "-i", "(0028,0008)=3", "-mf", $"(7fe0,0010)={pixelData}", "-m", $"(0008,0016)={MultiFrameGrayscaleWordSecondaryCapture}"]);
        return new Archive(studyA, seriesA, studyB, seriesB, [native, compressed, multiFrame], instances);
    }

    private sealed record Archive(string StudyA, string SeriesA, string StudyB, string SeriesB, string[] Paths, string[] InstanceUids);
}
