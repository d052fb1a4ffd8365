using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;

namespace SamMpa.Bench.Accuracy;

/// <summary>One image of a shared set on the working grid, with its dense features and its pooled embedding.</summary>
public sealed record AccuracyImage(
    string Name, string MaskPath, WorkingGeometry Geometry, GrayImage Working, GrayImage WorkingMask, DenseFeatureMap Features, float[] Embedding);
