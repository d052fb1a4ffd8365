using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Evaluation;

/// <summary>
/// One support-to-query registration of a benchmark, on the working grid: the query (fixed), the support (moving) and
/// the support's mask as a soft mask. Owns its images.
/// </summary>
public sealed class RegistrationPair : IDisposable
{
    private RegistrationPair(string queryName, string supportName, GrayImage query, GrayImage support, GrayImage supportMask)
    {
        QueryName = queryName;
        SupportName = supportName;
        Query = query;
        Support = support;
        SupportMask = supportMask;
    }

    public string QueryName { get; }

    public string SupportName { get; }

    public GrayImage Query { get; }

    public GrayImage Support { get; }

    public GrayImage SupportMask { get; }

    /// <summary>
    /// Up to <paramref name="pairs"/> pairs from a labelled folder: support i + 1 onto query i, so the pairs are
    /// distinct and the same folders give the same pairs.
    /// </summary>
    public static IReadOnlyList<RegistrationPair> Load(string imagesDirectory, string masksDirectory, int pairs, int workingSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pairs);
        var dataset = LabeledDataset.Open(imagesDirectory, masksDirectory);
        if (dataset.Images.Count < 2)
        {
            throw new DatasetException($"{imagesDirectory}: a registration benchmark needs at least 2 images, found {dataset.Images.Count}.");
        }

        var count = Math.Min(dataset.Images.Count, pairs + 1);
        var prepared = new List<PreparedImage>(count);
        try
        {
            foreach (var image in dataset.Images.Take(count))
            {
                prepared.Add(PreparedImage.Load(image, workingSize));
            }

            return Enumerable.Range(0, count - 1)
                .Select(i => new RegistrationPair(
                    prepared[i].Source.Name,
                    prepared[i + 1].Source.Name,
                    prepared[i].Working.Clone(),
                    prepared[i + 1].Working.Clone(),
                    prepared[i + 1].WorkingMask.Clone()))
                .ToArray();
        }
        finally
        {
            foreach (var image in prepared)
            {
                image.Dispose();
            }
        }
    }

    public void Dispose()
    {
        Query.Dispose();
        Support.Dispose();
        SupportMask.Dispose();
    }
}
