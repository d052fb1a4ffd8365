namespace SamMpa.Imaging.Evaluation;

/// <summary>One image of a dataset with its ground-truth mask file and original size.</summary>
public sealed record LabeledImage(string Name, string ImagePath, string MaskPath, int Width, int Height);
