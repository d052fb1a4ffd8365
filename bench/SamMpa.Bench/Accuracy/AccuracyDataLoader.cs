using System.Diagnostics;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;

namespace SamMpa.Bench.Accuracy;

/// <summary>
/// Loads a shared set as the product prepares it (working grid 256, ResNet18 pooled embeddings of the working image
/// for the support selection, computed each run: a few seconds for a shared set) plus the dense features, kept float16 as
/// they would be stored and cached between runs in the temp folder (keyed by the feature source's id and the file's
/// content hash). With a SAM encoder the features join its embedding, float16-rounded as the embedding blob holds it.
/// </summary>
public static class AccuracyDataLoader
{
    public const int WorkingSize = 256;

    public static (AccuracyImage[] Images, double FeatureSecondsPerImage, int FeaturesComputed) Load(
        string imagesDirectory,
        string masksDirectory,
        ResNet18Encoder encoder,
        DenseFeatureSource extractor,
        SamImageEncoder? samEncoder,
        string cacheDirectory,
        CancellationToken cancellationToken)
    {
        if (extractor.UsesSamEmbedding != samEncoder is not null || (samEncoder is not null && extractor.SamEncoderId != samEncoder.Id))
        {
            throw new ArgumentException($"The feature source {extractor.Id} needs the SAM encoder it names, given {samEncoder?.Id ?? "none"}.", nameof(samEncoder));
        }

        var dataset = LabeledDataset.Open(imagesDirectory, masksDirectory);
        Directory.CreateDirectory(cacheDirectory);
        var images = new AccuracyImage[dataset.Images.Count];
        var featureSeconds = 0.0;
        var computed = 0;
        for (var i = 0; i < images.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var source = dataset.Images[i];
            using var original = ImageFile.Read(source.ImagePath);
            using var mask = ImageFile.ReadMask(source.MaskPath);
            var geometry = WorkingGeometry.For(original, WorkingSize);
            var working = geometry.ToWorking(original);
            var workingMask = geometry.MaskToWorking(mask);
            var contentKey = $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(source.ImagePath)))[..32]}-w{WorkingSize}";
            var cachePath = Path.Combine(cacheDirectory, $"{contentKey}-{extractor.Id}.smpf");
            var features = File.Exists(cachePath) ? FeatureMapCodec.Decode(File.ReadAllBytes(cachePath)) : null;
            if (features is null)
            {
                var clock = Stopwatch.StartNew();
                var embedding = samEncoder is null ? [] : EmbeddingCodec.Encode(samEncoder.Encode(working)).Rounded;
                var raw = extractor.Extract(working, embedding);
                featureSeconds += clock.Elapsed.TotalSeconds;
                computed++;
                var (bytes, rounded) = FeatureMapCodec.Encode(raw);
                File.WriteAllBytes(cachePath, bytes);
                features = rounded;
            }

            images[i] = new AccuracyImage(source.Name, source.MaskPath, geometry, working, workingMask, features, encoder.Encode(working));
        }

        return (images, computed == 0 ? double.NaN : featureSeconds / computed, computed);
    }
}
