using SamMpa.Imaging.Embeddings;

namespace SamMpa.Grains.Options;

/// <summary>The models a gpu silo loads (configuration section "Models"). Without a SAM package it embeds with ResNet18.</summary>
public sealed class ModelOptions
{
    public const string Section = "Models";

    /// <summary>A SAM model package folder (sam.json, encoder and decoder ONNX files): SAM embeds and segments.</summary>
    public string? SamPackage { get; set; }

    /// <summary>A SAM image-encoder ONNX file used for embedding only (selection), without a decoder.</summary>
    public string? SamEncoder { get; set; }

    /// <summary>cpu, or cuda (falls back to cpu with a warning where CUDA is missing).</summary>
    public Device Device { get; set; } = Device.Cpu;

    /// <summary>
    /// Also write each image's dense feature map at embedding (ResNet18 at 448 px, float16, about 1.2 MB an image), which
    /// stage loc reads. Off: embedding is cheaper, and loc cannot run on the datasets this silo embeds.
    /// </summary>
    public bool DenseFeatures { get; set; } = true;

    /// <summary>
    /// With a SAM package or encoder: the dense feature maps also hold the SAM encoder's embedding of the image on the
    /// same grid (256 more channels, from the embedding computed anyway). Off: ResNet18 alone, as without SAM.
    /// </summary>
    public bool SamDenseFeatures { get; set; } = true;
}
