using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>One image as the pixel model sees it: its dense features and its working-grid intensities (0..255).</summary>
public sealed record LocalisationImage(DenseFeatureMap Features, GrayImage Working);

/// <summary>An annotated support: the image and its working-grid mask (0..1, soft allowed).</summary>
public sealed record LocalisationSupport(DenseFeatureMap Features, GrayImage Working, GrayImage Mask);
