namespace SamMpa.Imaging.Evaluation;

/// <summary>A folder of images and masks that cannot be evaluated; the message names every offending file.</summary>
public sealed class DatasetException(string message) : Exception(message);
