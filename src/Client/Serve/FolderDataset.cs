using SamMpa.Client.Cluster;
using SamMpa.Client.Commands;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Storage;

namespace SamMpa.Client.Serve;

/// <summary>
/// A folder that <c>sammpa serve --open</c> opens as a dataset: its images (and ground truth) uploaded write-once to the
/// dataset's folders, then the dataset created with the caller's key, so that the key's principal owns it. Opening the
/// same folder again is idempotent; another folder under the same id is refused, naming the first differing file,
/// before anything is written.
/// </summary>
internal sealed class FolderDataset
{
    private readonly IReadOnlyList<string> _images;
    private readonly IReadOnlyDictionary<string, string>? _truth;
    private readonly int _workingSize;

    private FolderDataset(string id, IReadOnlyList<string> images, IReadOnlyDictionary<string, string>? truth, int workingSize)
    {
        Id = id;
        _images = images;
        _truth = truth;
        _workingSize = workingSize;
    }

    public string Id { get; }

    /// <summary>Lists and checks the folder (and its truth) before anything starts; the id is the folder's name unless given.</summary>
    public static FolderDataset List(DirectoryInfo folder, DirectoryInfo? truth, string? id, int workingSize)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (id is null && !ResourceId.IsValid(folder.Name))
        {
            throw new ArgumentException($"--open {folder.FullName}: its name '{folder.Name}' cannot be a dataset id; give one with --id (letters, digits, '-', '_', '.').");
        }

        var datasetId = ResourceId.Validate(id ?? folder.Name, "dataset");
        if (workingSize is < SettingRanges.MinWorkingSize or > SettingRanges.MaxWorkingSize)
        {
            throw new ArgumentException($"--working-size {workingSize}: allowed {SettingRanges.MinWorkingSize}..{SettingRanges.MaxWorkingSize}.");
        }

        var (images, truthByImage) = IngestCommand.ListFolder(folder, truth, DicomStaging.Empty);
        return new FolderDataset(datasetId, images, truthByImage, workingSize);
    }

    /// <summary>Uploads what the dataset lacks and creates it (or finds it created) with <paramref name="key"/>.</summary>
    public async Task<DatasetStatus> OpenAsync(ClusterConnection cluster, string key, IEvalProgress progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (await DatasetContent.FirstDifferenceAsync(cluster.Blobs, Id, _images, _truth, cancellationToken) is { } difference)
        {
            throw new DatasetException($"Dataset '{Id}' already holds other images: {difference}. Nothing was uploaded; give the folder another id with --id.");
        }

        var session = new DatasetSession(cluster, Id, progress);
        await session.UploadAsync(_images, _truth, cancellationToken);
        var request = new CreateDataset
        {
            WorkingSize = _workingSize,
            TruthPrefix = _truth is null ? null : DatasetBlobLayout.TruthPrefix(Id),
        };
        return await AccessKeyCalls.WithKeyAsync(key, () => session.Grain.CreateAsync(request));
    }
}
