using Microsoft.Extensions.Options;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// The silo's fitted few-shot pixel models (a DI singleton), one per dataset, run, feature extractor, working size and
/// ordered support list: every query of a run shares one fit, done once by the first query that needs it (the others
/// await it). Fitting is deterministic, so a silo that fits again gets the same model. A failed fit is forgotten so the
/// next query tries again; the few most recent models are kept.
/// </summary>
public sealed class LocalisationModels(IBlobStore blobs, IOptions<ImageOptions> imageOptions)
{
    private const int Kept = 8;

    private readonly Dictionary<string, Task<FittedLocalisation>> _models = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public Task<FittedLocalisation> GetAsync(string dataset, LocalisationJob job, int workingSize)
    {
        ArgumentNullException.ThrowIfNull(job);
        var key = string.Join('\n', [dataset, job.RunId, job.FeatureExtractor, workingSize.ToString(System.Globalization.CultureInfo.InvariantCulture), .. job.Supports.Select(s => s.Image)]);
        lock (_models)
        {
            if (_models.TryGetValue(key, out var known) && !known.IsFaulted && !known.IsCanceled)
            {
                return known;
            }

            // Shared by every query of the run: not cancelled by the one that happened to start it.
            var fit = Task.Run(() => FitAsync(dataset, job, workingSize));
            _models[key] = fit;
            _order.Enqueue(key);
            while (_order.Count > Kept)
            {
                var oldest = _order.Dequeue();
                if (!_order.Contains(oldest))
                {
                    _models.Remove(oldest);
                }
            }

            return fit;
        }
    }

    private async Task<FittedLocalisation> FitAsync(string dataset, LocalisationJob job, int workingSize)
    {
        var supports = new List<LocalisationSupport>(job.Supports.Count);
        try
        {
            foreach (var support in job.Supports)
            {
                supports.Add(await ReadSupportAsync(dataset, job.FeatureExtractor, support, workingSize));
            }

            var first = supports[0].Features;
            return new FittedLocalisation(FewShotLocaliser.Fit(supports), first.Channels, first.Height, first.Width);
        }
        catch (ArgumentException e)
        {
            // Supports that cannot be learnt from (empty masks, maps of different sizes): every query of the run says why.
            throw new InvalidImageException($"the supports {string.Join(", ", job.Supports.Select(s => s.Image))}", e.Message.Split(" (Parameter", 2)[0], e);
        }
        catch (Exception e) when (OpenCvFailure.Is(e))
        {
            // The texture features need OpenCV's native library, as GrabCut does.
            throw new InvalidImageException($"the supports {string.Join(", ", job.Supports.Select(s => s.Image))}", $"texture features failed: {e.GetBaseException().Message}", e);
        }
        finally
        {
            foreach (var support in supports)
            {
                support.Working.Dispose();
                support.Mask.Dispose();
            }
        }
    }

    private async Task<LocalisationSupport> ReadSupportAsync(string dataset, string extractor, SupportRef support, int workingSize)
    {
        var features = await FeatureBlobs.ReadAsync(blobs, DatasetBlobLayout.Features(dataset, extractor, support.Image), CancellationToken.None);
        using var image = await BlobImages.ReadImageAsync(blobs, support.ImageBlob, imageOptions.Value.Limits, CancellationToken.None);
        using var annotation = await BlobImages.ReadMaskAsync(blobs, support.AnnotationBlob, imageOptions.Value.Limits, CancellationToken.None);
        if (annotation.Width != image.Width || annotation.Height != image.Height)
        {
            throw new InvalidImageException(
                support.AnnotationBlob, $"annotation is {annotation.Width}x{annotation.Height} but support image {support.Image} is {image.Width}x{image.Height}");
        }

        var geometry = WorkingGeometry.For(image, workingSize);
        return new LocalisationSupport(features, geometry.ToWorking(image), geometry.MaskToWorking(annotation));
    }
}

/// <summary>A fitted pixel model and the feature grid it was fitted on (a query's map must match it).</summary>
public sealed record FittedLocalisation(LocalisationModel Model, int Channels, int Height, int Width);
