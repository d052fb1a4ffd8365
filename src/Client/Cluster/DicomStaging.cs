using SamMpa.Dicom;
using SamMpa.Dicom.Import;
using SamMpa.Dicom.Web;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Client.Cluster;

/// <summary>
/// The DICOM files of an images folder turned into dataset images before an upload: each frame's 16-bit PNG in a
/// temporary folder (removed on dispose), beside the folder's own PNGs; the instances' provenance and the files
/// themselves are uploaded with them. A file that cannot be imported is a failure naming it, and the others go on.
/// </summary>
internal sealed class DicomStaging : IDisposable
{
    private readonly List<Instance> _instances = [];
    private readonly List<string> _imagePaths = [];
    private readonly List<DicomFailure> _failures = [];
    private readonly Dictionary<string, string> _sources = new(StringComparer.Ordinal);
    private readonly string? _folder;
    private readonly string? _dicomWebRoot;

    private DicomStaging(string? folder, string? dicomWebRoot = null)
    {
        _folder = folder;
        _dicomWebRoot = dicomWebRoot;
    }

    /// <summary>No DICOM files.</summary>
    public static DicomStaging Empty => new(null);

    /// <summary>The staged PNGs (named as their dataset images), in name order.</summary>
    public IReadOnlyList<string> ImagePaths => _imagePaths;

    /// <summary>The DICOM file each staged PNG was made from, by the PNG's path.</summary>
    public IReadOnlyDictionary<string, string> Sources => _sources;

    /// <summary>The DICOM files not imported, each with why.</summary>
    public IReadOnlyList<DicomFailure> Failures => _failures;

    /// <summary>
    /// For instances retrieved from a DICOMweb server: an empty folder named "dicomweb", for commands that take an
    /// images folder beside the staged images (eval); null otherwise.
    /// </summary>
    public string? EmptyImagesFolder { get; private set; }

    /// <summary>How many DICOM files were found (imported or not).</summary>
    public int Files { get; private set; }

    /// <summary>Imports every DICOM file of <paramref name="imagesDirectory"/> (<see cref="DicomFiles"/>); none found gives an empty staging.</summary>
    public static async Task<DicomStaging> ConvertAsync(string imagesDirectory, DicomImporter importer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(importer);
        if (!Directory.Exists(imagesDirectory))
        {
            return Empty;
        }

        var files = DicomFiles.List(imagesDirectory);
        if (files.Count == 0)
        {
            return Empty;
        }

        var staging = new DicomStaging(Directory.CreateTempSubdirectory("sammpa-dicom-").FullName) { Files = files.Count };
        try
        {
            // A DICOM image may not take the name of one of the folder's own images (or of another instance's).
            var taken = Directory.EnumerateFiles(imagesDirectory)
                .Where(p => ImageFile.SupportedExtensions.Contains(Path.GetExtension(p)))
                .ToDictionary(p => Path.GetFileName(p), p => p, StringComparer.Ordinal);
            foreach (var file in files)
            {
                await staging.ImportAsync(file, importer, taken, cancellationToken);
            }

            staging._imagePaths.Sort(StringComparer.Ordinal);
            return staging;
        }
        catch
        {
            staging.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every instance <paramref name="selection"/> finds on the DICOMweb server (QIDO-RS), retrieved with WADO-RS into
    /// the staging folder and imported as a folder's files are; each image's provenance names the server's root
    /// (<see cref="ImageProvenance.DicomWebRoot"/>) so that its SEG can go back there. An instance that cannot be
    /// retrieved or imported is a failure naming it, and the others go on; SEG instances (results, ours or
    /// another tool's) are not images and are passed over.
    /// </summary>
    public static async Task<DicomStaging> RetrieveAsync(
        DicomWebClient client, DicomWebSelection selection, DicomImporter importer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(selection);
        ArgumentNullException.ThrowIfNull(importer);
        var staging = new DicomStaging(Directory.CreateTempSubdirectory("sammpa-dicomweb-").FullName, client.Options.ServiceRoot);
        try
        {
            var retrieved = Directory.CreateDirectory(Path.Combine(staging._folder!, "instances")).FullName;
            staging.EmptyImagesFolder = Directory.CreateDirectory(Path.Combine(staging._folder!, "dicomweb")).FullName;
            var taken = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            await foreach (var instance in selection.FindAsync(client, cancellationToken))
            {
                if (!seen.Add(instance.SopInstanceUid) || instance.Modality == "SEG")
                {
                    continue;
                }

                staging.Files++;
                var name = $"instance {instance.SopInstanceUid} (study {instance.StudyInstanceUid}, series {instance.SeriesInstanceUid})";
                if (!ResourceId.IsValid(instance.SopInstanceUid) || instance.StudyInstanceUid.Length == 0 || instance.SeriesInstanceUid.Length == 0)
                {
                    staging._failures.Add(new DicomFailure(name, "the server gave no usable study, series and SOP Instance UIDs for it"));
                    continue;
                }

                var path = Path.Combine(retrieved, instance.SopInstanceUid + ".dcm");
                try
                {
                    await client.RetrieveInstanceAsync(instance.StudyInstanceUid, instance.SeriesInstanceUid, instance.SopInstanceUid, path, cancellationToken);
                }
                catch (DicomWebException e)
                {
                    staging._failures.Add(new DicomFailure(name, e.Message));
                    continue;
                }

                await staging.ImportAsync(path, importer, taken, cancellationToken, name);
            }

            staging._imagePaths.Sort(StringComparer.Ordinal);
            return staging;
        }
        catch
        {
            staging.Dispose();
            throw;
        }
    }

    /// <summary>The provenance and instance blobs of every staged image in <paramref name="dataset"/> (the PNGs go as images).</summary>
    public IEnumerable<(string Blob, Func<CancellationToken, Task<byte[]>> Content)> ExtraBlobs(string dataset)
    {
        foreach (var instance in _instances)
        {
            var instanceBlob = DatasetBlobLayout.SourceInstance(dataset, instance.Header.Provenance.SopInstanceUid);
            foreach (var (name, frame) in instance.Images)
            {
                var provenance = (DicomImageProvenance.Of(instance.Header, frame, instance.SourceFile, instanceBlob) with { DicomWebRoot = _dicomWebRoot }).ToJson();
                yield return (DatasetBlobLayout.Provenance(dataset, name), _ => Task.FromResult(provenance));
            }

            var source = instance.SourceFile;
            yield return (instanceBlob, ct => File.ReadAllBytesAsync(source, ct));
        }
    }

    public void Dispose()
    {
        if (_folder is not null && Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    /// <param name="displayName">What failures call the file (a retrieved instance by its UIDs); the path when null.</param>
    private async Task ImportAsync(string file, DicomImporter importer, Dictionary<string, string> taken, CancellationToken cancellationToken, string? displayName = null)
    {
        var failureName = displayName ?? file;
        DicomImport import;
        try
        {
            import = await importer.ImportAsync(file, cancellationToken);
        }
        catch (DicomReadException e)
        {
            _failures.Add(new DicomFailure(failureName, e.Reason));
            return;
        }

        foreach (var image in import.Images)
        {
            if (taken.TryGetValue(image.Name, out var other))
            {
                _failures.Add(new DicomFailure(failureName, $"its image {image.Name} would take the name of {other}; rename one of them"));
                return;
            }

            if (!ResourceId.IsValid(image.Name))
            {
                _failures.Add(new DicomFailure(failureName, $"its image name {image.Name} cannot name a blob; rename the file (letters, digits, '.', '-', '_')"));
                return;
            }
        }

        if (!ResourceId.IsValid(import.Provenance.SopInstanceUid))
        {
            _failures.Add(new DicomFailure(failureName, $"its SOP Instance UID '{import.Provenance.SopInstanceUid}' cannot name a blob"));
            return;
        }

        foreach (var image in import.Images)
        {
            var path = Path.Combine(_folder!, image.Name);
            await File.WriteAllBytesAsync(path, image.Png, cancellationToken);
            _imagePaths.Add(path);
            _sources[path] = file;
            taken[image.Name] = file;
        }

        _instances.Add(new Instance(file, import.Header, import.Images.Select(i => (i.Name, i.Frame)).ToArray()));
    }

    private sealed record Instance(string SourceFile, DicomHeader Header, IReadOnlyList<(string Name, int Frame)> Images);
}

/// <summary>A DICOM file that was not imported, and why (the reason without the name).</summary>
internal sealed record DicomFailure(string File, string Reason)
{
    public override string ToString() => $"{File}: {Reason}";
}
