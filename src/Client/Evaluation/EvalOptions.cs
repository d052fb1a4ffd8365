using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Registration;
using SamMpa.Imaging.Sam;

namespace SamMpa.Client.Evaluation;

/// <summary>What one evaluation run over a labelled folder computes and where it writes.</summary>
public sealed record EvalOptions
{
    public required string ImagesDirectory { get; init; }

    public required string MasksDirectory { get; init; }

    public required string OutputDirectory { get; init; }

    /// <summary>The K values to run; each is one entry in the summary. Embeddings are computed once for all.</summary>
    public IReadOnlyList<int> Shots { get; init; } = [10];

    public Stage Stages { get; init; } = Stage.Es | Stage.Mp;

    /// <summary>Side of the square working grid (the paper's 256x256).</summary>
    public int WorkingSize { get; init; } = 256;

    /// <summary>Seed of the random supports drawn when ES is off.</summary>
    public int RandomSupportSeed { get; init; } = 20240601;

    /// <summary>A SAM image-encoder ONNX; null selects the bundled ResNet18.</summary>
    public string? SamEncoderPath { get; init; }

    public Device Device { get; init; } = Device.Cpu;

    /// <summary>
    /// A SAM model package (encoder.onnx, decoder.onnx, sam.json). Its encoder embeds for selection and decoding alike;
    /// the stages pa and pr need it.
    /// </summary>
    public string? SamPackageDirectory { get; init; }

    /// <summary>
    /// SAM-MPA, or one of the paper's baselines (needs a SAM package): manual prompts from each query's ground truth, or
    /// PerSAM from its support; they run on the grains on the same queries as SAM-MPA would (the stages es or random pick
    /// them) and register nothing.
    /// </summary>
    public SegmentationMethod Method { get; init; } = SegmentationMethod.SamMpa;

    /// <summary>Post-refinement rounds when the stage pr runs (method.md PR).</summary>
    public int Refine { get; init; } = 1;

    /// <summary>How the coarse mask becomes SAM prompts (stage PA).</summary>
    public PromptOptions Prompts { get; init; } = PromptOptions.Default;

    /// <summary>
    /// Supports each query is registered to, their soft masks averaged. 1 is the published method (the support of
    /// the query's cluster); more add the next-nearest supports by embedding, at that many times the registrations.
    /// </summary>
    public int Atlases { get; init; } = 1;

    /// <summary>
    /// The provenance field the supports are spread over (site, ...), each query served from its own stratum; null for
    /// one selection over every image. Images without provenance are one unknown stratum.
    /// </summary>
    public string? StratifyBy { get; init; }

    /// <summary>With <see cref="StratifyBy"/>: a stratum holding at least this share of the images gets a support.</summary>
    public double MinStratumShare { get; init; } = 0.05;

    public RegistrationOptions Registration { get; init; } = new();
}
