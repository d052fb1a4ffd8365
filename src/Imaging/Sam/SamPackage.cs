using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SamMpa.Imaging.Embeddings;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// A SAM package directory: sam.json plus an image encoder and a prompt decoder ONNX, opened with ONNX Runtime
/// and checked against the manifest and the official SAM decoder signature.
/// </summary>
/// <remarks>
/// The sessions come from the process-wide session table (one per model path and device) and are shared: the package
/// holds a lease on each, which <see cref="Dispose"/> releases (do not dispose the sessions themselves).
/// </remarks>
public sealed class SamPackage : IDisposable
{
    private readonly OnnxSessions.SessionLease _encoder;
    private readonly OnnxSessions.SessionLease _decoder;

    private SamPackage(string directory, SamPackageManifest manifest, OnnxSessions.SessionLease encoder, OnnxSessions.SessionLease decoder)
    {
        Directory = directory;
        Manifest = manifest;
        _encoder = encoder;
        _decoder = decoder;
    }

    public string Directory { get; }

    public SamPackageManifest Manifest { get; }

    public string EncoderPath => Path.Combine(Directory, Manifest.Encoder);

    public string DecoderPath => Path.Combine(Directory, Manifest.Decoder);

    /// <summary>The image encoder session (shared; do not dispose).</summary>
    public InferenceSession Encoder => _encoder.Session;

    /// <summary>The prompt decoder session (shared; do not dispose).</summary>
    public InferenceSession Decoder => _decoder.Session;

    /// <summary>Opens and validates the package in <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">sam.json or a model file is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">sam.json is malformed.</exception>
    /// <exception cref="SamPackageException">The models do not match the manifest; the message lists every difference.</exception>
    public static SamPackage Load(string directory, Device device = Device.Cpu, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var fullDirectory = Path.GetFullPath(directory);
        var manifest = SamPackageManifest.Read(fullDirectory);
        var encoderPath = RequireFile(fullDirectory, manifest.Encoder, "encoder");
        var decoderPath = RequireFile(fullDirectory, manifest.Decoder, "decoder");

        var encoder = OnnxSessions.Open(encoderPath, device, warn);
        OnnxSessions.SessionLease? decoder = null;
        try
        {
            decoder = OnnxSessions.Open(decoderPath, device, warn);
            var differences = Check(manifest, encoder.Session, decoder.Session);
            if (differences.Count > 0)
            {
                throw new SamPackageException(fullDirectory, differences);
            }

            return new SamPackage(fullDirectory, manifest, encoder, decoder);
        }
        catch
        {
            encoder.Dispose();
            decoder?.Dispose();
            throw;
        }
    }

    /// <summary>Releases the package's leases on its sessions; a session is disposed when nothing else holds it.</summary>
    public void Dispose()
    {
        _encoder.Dispose();
        _decoder.Dispose();
    }

    /// <summary>Every difference between the sessions' signatures and what <paramref name="manifest"/> and SAM require.</summary>
    internal static List<string> Check(SamPackageManifest manifest, InferenceSession encoder, InferenceSession decoder)
    {
        const long Any = -1;
        var differences = new List<string>();
        var embedding = new long[] { 1, manifest.EmbeddingShape[0], manifest.EmbeddingShape[1], manifest.EmbeddingShape[2] };
        var image = manifest.EncoderInputLayout == SamEncoderInputLayout.NchwNormalized
            ? new long[] { 1, 3, manifest.ImageSize, manifest.ImageSize }
            : [Any, Any, 3];

        CheckNodes(differences, "encoder input", encoder.InputMetadata, [(manifest.EncoderInput, image)], reportExtra: true);
        CheckNodes(differences, "encoder output", encoder.OutputMetadata, [(manifest.EncoderOutput, embedding)], reportExtra: false);

        var m = manifest.MaskSize;
        var inputs = manifest.DecoderInputs;
        CheckNodes(
            differences,
            "decoder input",
            decoder.InputMetadata,
            [
                (inputs.ImageEmbeddings, embedding),
                (inputs.PointCoords, [1, Any, 2]),
                (inputs.PointLabels, [1, Any]),
                (inputs.MaskInput, [1, 1, m, m]),
                (inputs.HasMaskInput, [1]),
                (inputs.OrigImSize, [2]),
            ],
            reportExtra: true);
        var outputs = manifest.DecoderOutputs;
        CheckNodes(
            differences,
            "decoder output",
            decoder.OutputMetadata,
            [
                (outputs.Masks, [1, Any, Any, Any]),
                (outputs.IouPredictions, [1, Any]),
                (outputs.LowResMasks, [1, Any, m, m]),
            ],
            reportExtra: false);
        return differences;
    }

    private static void CheckNodes(
        List<string> differences,
        string kind,
        IReadOnlyDictionary<string, NodeMetadata> actual,
        (string Name, long[] Dims)[] expected,
        bool reportExtra)
    {
        foreach (var (name, dims) in expected)
        {
            if (!actual.TryGetValue(name, out var node))
            {
                differences.Add($"{kind} '{name}' missing");
                continue;
            }

            var foundType = node.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? TypeName(node.ElementDataType) : node.OnnxValueType.ToString();
            var found = node.OnnxValueType == OnnxValueType.ONNX_TYPE_TENSOR ? node.Dimensions.Select(d => (long)d).ToArray() : [];
            if (foundType != "float" || !ShapeMatches(dims, found))
            {
                differences.Add($"{kind} '{name}': expected float {Shape(dims)}, found {foundType} {Shape(found)}");
            }
        }

        if (reportExtra)
        {
            var known = expected.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var name in actual.Keys.Where(n => !known.Contains(n)).Order(StringComparer.Ordinal))
            {
                differences.Add($"{kind} '{name}' is not in {SamPackageManifest.FileName}");
            }
        }
    }

    /// <summary>Same rank and equal sizes; -1 (unknown or symbolic) on either side matches anything.</summary>
    internal static bool ShapeMatches(long[] expected, long[] found) =>
        expected.Length == found.Length && expected.Zip(found).All(p => p.First < 0 || p.Second < 0 || p.First == p.Second);

    /// <summary>"[1,?,2]": '?' is a wildcard (expected) or an unknown/symbolic size (found).</summary>
    internal static string Shape(long[] dims) => "[" + string.Join(',', dims.Select(d => d < 0 ? "?" : d.ToString(System.Globalization.CultureInfo.InvariantCulture))) + "]";

    private static string TypeName(TensorElementType type) => type.ToString().ToLowerInvariant();

    private static string RequireFile(string directory, string name, string role)
    {
        var path = Path.GetFullPath(Path.Combine(directory, name));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"SAM package {role} model not found: {path} (named in {Path.Combine(directory, SamPackageManifest.FileName)})", path);
        }

        return path;
    }
}
