using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// Stage LOC of one query: the run's few-shot model (fitted once per silo, <see cref="LocalisationModels"/>) applied to
/// the query's stored dense features gives its target probability on the working grid. A missing or damaged feature
/// blob, the query's or a support's, is an <see cref="InvalidImageException"/> naming it.
/// </summary>
public sealed class QueryLocalisation(IBlobStore blobs, LocalisationModels models)
{
    /// <summary>The probability map (0..1) on <paramref name="queryWorking"/>'s grid, and how far to trust it (<see cref="LocalisationUncertainty.OfLocalisation"/>).</summary>
    public async Task<(GrayImage Probability, double Uncertainty)> LocaliseAsync(QueryJob job, LocalisationJob localisation, GrayImage queryWorking, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        ArgumentNullException.ThrowIfNull(localisation);
        ArgumentNullException.ThrowIfNull(queryWorking);
        var featureBlob = DatasetBlobLayout.Features(job.Dataset, localisation.FeatureExtractor, job.Image);
        var features = await FeatureBlobs.ReadAsync(blobs, featureBlob, cancellationToken);
        var fitted = await models.GetAsync(job.Dataset, localisation, job.WorkingSize).WaitAsync(cancellationToken);
        if (features.Channels != fitted.Channels || features.Height != fitted.Height || features.Width != fitted.Width)
        {
            throw new InvalidImageException(
                featureBlob, $"feature map is {features.Channels}x{features.Height}x{features.Width} but the supports' are {fitted.Channels}x{fitted.Height}x{fitted.Width}");
        }

        ProbabilityMap map;
        try
        {
            map = fitted.Model.Predict(new LocalisationImage(features, queryWorking));
        }
        catch (Exception e) when (OpenCvFailure.Is(e))
        {
            // The texture features need OpenCV's native library, as GrabCut does.
            throw new InvalidImageException(job.Image, $"texture features failed: {e.GetBaseException().Message}", e);
        }

        var probability = map.ToWorking(queryWorking.Width, queryWorking.Height);
        return (probability, LocalisationUncertainty.OfLocalisation(map, probability));
    }
}
