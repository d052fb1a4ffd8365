using System.Text.Json;
using System.Text.Json.Serialization;

namespace SamMpa.Imaging.Sam;

/// <summary>How the encoder wants its image.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SamEncoderInputLayout>))]
public enum SamEncoderInputLayout
{
    /// <summary>1x3xSxS float (S = image_size), resized longest-side, normalised with pixel_mean/pixel_std and zero-padded by us.</summary>
    [JsonStringEnumMemberName("nchw-normalized")]
    NchwNormalized,

    /// <summary>HxWx3 float raw pixels (0..255); the graph resizes, normalises and pads.</summary>
    [JsonStringEnumMemberName("hwc-raw")]
    HwcRaw,
}

/// <summary>Names of the SAM prompt decoder's inputs in the decoder ONNX.</summary>
public sealed record SamDecoderInputNames
{
    public string ImageEmbeddings { get; init; } = "image_embeddings";

    public string PointCoords { get; init; } = "point_coords";

    public string PointLabels { get; init; } = "point_labels";

    public string MaskInput { get; init; } = "mask_input";

    public string HasMaskInput { get; init; } = "has_mask_input";

    public string OrigImSize { get; init; } = "orig_im_size";
}

/// <summary>Names of the SAM prompt decoder's outputs in the decoder ONNX.</summary>
public sealed record SamDecoderOutputNames
{
    public string Masks { get; init; } = "masks";

    public string IouPredictions { get; init; } = "iou_predictions";

    public string LowResMasks { get; init; } = "low_res_masks";
}

/// <summary>
/// sam.json: describes a SAM package directory (an image encoder ONNX and a prompt decoder ONNX).
/// Serialised with snake_case names; every property has the official SAM default.
/// </summary>
public sealed record SamPackageManifest
{
    public const string FileName = "sam.json";

    internal static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public string Encoder { get; init; } = "encoder.onnx";

    public string Decoder { get; init; } = "decoder.onnx";

    public SamEncoderInputLayout EncoderInputLayout { get; init; } = SamEncoderInputLayout.NchwNormalized;

    public string EncoderInput { get; init; } = "image";

    public string EncoderOutput { get; init; } = "image_embeddings";

    public SamDecoderInputNames DecoderInputs { get; init; } = new();

    public SamDecoderOutputNames DecoderOutputs { get; init; } = new();

    public IReadOnlyList<double> PixelMean { get; init; } = [123.675, 116.28, 103.53];

    public IReadOnlyList<double> PixelStd { get; init; } = [58.395, 57.12, 57.375];

    /// <summary>Side of the square encoder input frame (longest side after resizing).</summary>
    public int ImageSize { get; init; } = 1024;

    /// <summary>Side of the low-resolution mask frame (mask_input / low_res_masks).</summary>
    public int MaskSize { get; init; } = 256;

    /// <summary>Embedding shape without the batch: channels, height, width.</summary>
    public IReadOnlyList<int> EmbeddingShape { get; init; } = [256, 64, 64];

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void Save(string directory) => File.WriteAllText(Path.Combine(directory, FileName), ToJson() + Environment.NewLine);

    /// <summary>Reads <c>directory/sam.json</c>.</summary>
    /// <exception cref="FileNotFoundException">sam.json is missing.</exception>
    /// <exception cref="InvalidDataException">sam.json is not valid JSON or has impossible values.</exception>
    public static SamPackageManifest Read(string directory)
    {
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"SAM package manifest not found: {path}", path);
        }

        SamPackageManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<SamPackageManifest>(File.ReadAllText(path), JsonOptions);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{path} is not a valid SAM manifest: {ex.Message}", ex);
        }

        if (manifest is null)
        {
            throw new InvalidDataException($"{path} is not a valid SAM manifest: it is null.");
        }

        var problems = manifest.Problems();
        if (problems.Count > 0)
        {
            throw new InvalidDataException($"{path} is not a valid SAM manifest: {string.Join("; ", problems)}.");
        }

        return manifest;
    }

    private List<string> Problems()
    {
        var problems = new List<string>();
        void Require(bool ok, string problem)
        {
            if (!ok)
            {
                problems.Add(problem);
            }
        }

        Require(!string.IsNullOrWhiteSpace(Encoder), "encoder is empty");
        Require(!string.IsNullOrWhiteSpace(Decoder), "decoder is empty");
        Require(!string.IsNullOrWhiteSpace(EncoderInput), "encoder_input is empty");
        Require(!string.IsNullOrWhiteSpace(EncoderOutput), "encoder_output is empty");
        Require(DecoderInputs is not null, "decoder_inputs is null");
        Require(DecoderOutputs is not null, "decoder_outputs is null");
        Require(PixelMean is { Count: 3 }, "pixel_mean needs 3 values");
        Require(PixelStd is { Count: 3 } && PixelStd.All(s => s > 0), "pixel_std needs 3 positive values");
        Require(ImageSize > 0, "image_size must be positive");
        Require(MaskSize > 0, "mask_size must be positive");
        Require(EmbeddingShape is { Count: 3 } && EmbeddingShape.All(d => d > 0), "embedding_shape needs 3 positive sizes");
        return problems;
    }
}
