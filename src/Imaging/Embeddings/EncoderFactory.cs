namespace SamMpa.Imaging.Embeddings;

public static class EncoderFactory
{
    /// <summary>The ResNet18 featurizer when <paramref name="samEncoderPath"/> is null or empty, else the SAM image encoder at that path.</summary>
    public static IImageEncoder Create(string? samEncoderPath, Device device, Action<string>? warn) =>
        string.IsNullOrEmpty(samEncoderPath)
            ? new ResNet18Encoder(device, warn)
            : new SamImageEncoder(samEncoderPath, device, warn);
}
