using SamMpa.Grains.Services;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Bench.Orchestration;

/// <summary>
/// The per-image work of a run without the cluster: what the registration worker and QueryMasks do for one query,
/// called on the library in a plain parallel loop over the same kind of blob store. The baseline of the orchestration
/// overhead.
/// </summary>
public sealed class DirectSegmentation(IBlobStore blobs, string dataset, int workingSize, int parallelism)
{
    private readonly IdentityMaskPropagator _propagator = new();
    private readonly QueryMasks _queryMasks = new(blobs);

    /// <summary>Segments every query from its support; throws naming the first query that failed.</summary>
    public async Task RunAsync(IReadOnlyDictionary<string, string> supportOfQuery, CancellationToken cancellationToken)
    {
        await Parallel.ForEachAsync(
            supportOfQuery,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (item, ct) => await SegmentAsync(item.Key, item.Value, ct));
    }

    private async Task SegmentAsync(string query, string support, CancellationToken cancellationToken)
    {
        var queryBlob = DatasetBlobLayout.Image(dataset, query);
        using var queryImage = ImageFile.Decode(await ReadAsync(queryBlob, cancellationToken), queryBlob);
        var supportBlob = DatasetBlobLayout.Image(dataset, support);
        using var supportImage = ImageFile.Decode(await ReadAsync(supportBlob, cancellationToken), supportBlob);
        var annotationBlob = DatasetBlobLayout.Annotation(dataset, support);
        using var annotation = ImageFile.DecodeMask(await ReadAsync(annotationBlob, cancellationToken), annotationBlob);

        var queryGeometry = WorkingGeometry.For(queryImage, workingSize);
        var supportGeometry = WorkingGeometry.For(supportImage, workingSize);
        using var queryWorking = queryGeometry.ToWorking(queryImage);
        using var supportWorking = supportGeometry.ToWorking(supportImage);
        using var annotationWorking = supportGeometry.MaskToWorking(annotation);
        var propagated = await _propagator.PropagateAsync(queryWorking, supportWorking, annotationWorking, query, support, cancellationToken);
        using var softMask = propagated.SoftMask;
        var job = new MaskJob
        {
            Dataset = dataset,
            Image = query,
            ImageBlob = queryBlob,
            TruthBlob = DatasetBlobLayout.Truth(dataset, query),
            Masks =
            [
                new PropagatedMask
                {
                    Support = support,
                    Width = softMask.Width,
                    Height = softMask.Height,
                    SoftMask = softMask.Pixels.ToArray(),
                    Seconds = propagated.Elapsed.TotalSeconds,
                },
            ],
            WorkingSize = workingSize,
        };
        var outcome = await _queryMasks.CompleteAsync(job, segment: null, cancellationToken);
        if (outcome.Failed)
        {
            throw new InvalidOperationException($"Direct segmentation of '{query}' failed: {outcome.Error}");
        }
    }

    private async Task<byte[]> ReadAsync(string blob, CancellationToken cancellationToken) =>
        await blobs.ReadAsync(blob, cancellationToken) ?? throw new InvalidOperationException($"Blob '{blob}' is missing.");
}
