using SamMpa.Imaging.Sam;

namespace SamMpa.Tests.Embeddings;

/// <summary>
/// A tiny stand-in for a SAM image encoder, written by the product <see cref="SamFixtureBuilder.WriteEncoder"/>:
/// AveragePool(kernel k, stride k) over the 3x1024x1024 input, then a 1x1 Conv to 256 channels with known weights
/// and bias. With k = 16 the output is 256x64x64.
/// </summary>
internal static class TinySamModel
{
    public const int Channels = SamFixtureBuilder.EmbeddingChannels;

    public static float Weight(int outChannel, int inChannel) => SamFixtureBuilder.EncoderWeight(outChannel, inChannel);

    public static float Bias(int outChannel) => SamFixtureBuilder.EncoderBias(outChannel);

    public static string Write(bool dynamicBatch = false, int pool = 16, int outChannels = Channels)
    {
        var path = Path.Combine(Path.GetTempPath(), $"tiny-sam-{Guid.NewGuid():N}.onnx");
        SamFixtureBuilder.WriteEncoder(path, pool, outChannels, dynamicBatch);
        return path;
    }

    /// <summary>As <see cref="Write"/>, as a file deleted on dispose.</summary>
    public static ModelFile WriteTemporary(bool dynamicBatch = false, int pool = 16, int outChannels = Channels) =>
        new(Write(dynamicBatch, pool, outChannels));

    /// <summary>A model file that is deleted on dispose.</summary>
    public sealed class ModelFile(string path) : IDisposable
    {
        public string Path { get; } = path;

        public void Dispose() => File.Delete(Path);
    }
}
