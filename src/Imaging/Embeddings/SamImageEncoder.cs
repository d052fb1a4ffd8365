using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Sam;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// A SAM image encoder exported to ONNX (output 256 x 64 x 64 = 1,048,576 floats per image).
/// </summary>
/// <remarks>
/// <para>Layout <see cref="SamEncoderInputLayout.NchwNormalized"/> (the path constructor; SAM's own export): input
/// N x 3 x 1024 x 1024 float. Preprocessing is SAM's: resize the longest side to 1024 (bilinear, aspect kept), gray
/// replicated to RGB, normalised with the pixel mean/std, zero-padded bottom/right to 1024 x 1024 after normalisation.</para>
/// <para>Layout <see cref="SamEncoderInputLayout.HwcRaw"/> (exports with the preprocessing inside the graph): input
/// H x W x 3 float, the image resized so its longest side is 1024 (same bilinear resize) on the 0..255 scale, gray
/// replicated to RGB, neither normalised nor padded (the graph does both); one image per run.</para>
/// <para>The path constructor uses the model's first input and output and SAM's pixel mean/std; the package constructor
/// uses the manifest's encoder_input/encoder_output names, pixel_mean/pixel_std and encoder_input_layout.</para>
/// </remarks>
public sealed class SamImageEncoder : IImageEncoder
{
    public const int ImageSize = 1024;
    public const int EmbeddingChannels = 256;
    public const int EmbeddingSize = 64;
    public const int EmbeddingLength = EmbeddingChannels * EmbeddingSize * EmbeddingSize;

    /// <summary>Largest number of images sent in one run when the model has a dynamic batch (12 MiB of input each).</summary>
    public const int MaxBatch = 4;

    private const int PlaneLength = ImageSize * ImageSize;
    private const int InputLength = 3 * PlaneLength;

    private static readonly float[] SamPixelMean = [123.675f, 116.28f, 103.53f];
    private static readonly float[] SamPixelStd = [58.395f, 57.12f, 57.375f];

    private readonly OnnxSessions.SessionLease _lease;
    private readonly InferenceSession _session;
    private readonly string[] _inputName;
    private readonly string[] _outputName;
    private readonly float[] _pixelMean;
    private readonly float[] _pixelStd;
    private volatile bool _disposed;

    /// <summary>An nchw-normalized encoder with SAM's pixel mean/std; the model's first input and output are used.</summary>
    public SamImageEncoder(string modelPath, Device device = Device.Cpu, Action<string>? warn = null)
        : this(RequireModel(modelPath), null, null, SamPixelMean, SamPixelStd, SamEncoderInputLayout.NchwNormalized, device, warn)
    {
    }

    /// <summary>
    /// The encoder of a SAM package, with the manifest's input/output names, pixel mean/std and input layout.
    /// </summary>
    public SamImageEncoder(SamPackage package, Device device = Device.Cpu, Action<string>? warn = null)
        : this(
            RequireModel(NotNull(package).EncoderPath),
            package.Manifest.EncoderInput,
            package.Manifest.EncoderOutput,
            ToFloats(package.Manifest.PixelMean, "pixel_mean"),
            ToFloats(package.Manifest.PixelStd, "pixel_std"),
            package.Manifest.EncoderInputLayout,
            device,
            warn)
    {
        if (package.Manifest.ImageSize != ImageSize)
        {
            throw new InvalidOperationException(
                $"{Path.Combine(package.Directory, SamPackageManifest.FileName)}: image_size {package.Manifest.ImageSize} is not supported; the encoder works at {ImageSize}.");
        }
    }

    private SamImageEncoder(
        string fullPath,
        string? inputName,
        string? outputName,
        float[] pixelMean,
        float[] pixelStd,
        SamEncoderInputLayout layout,
        Device device,
        Action<string>? warn)
    {
        _lease = OnnxSessions.Open(fullPath, device, warn);
        try
        {
            _session = _lease.Session;
            _inputName = [inputName ?? _session.InputNames[0]];
            _outputName = [outputName ?? _session.OutputNames[0]];
            if (!_session.InputMetadata.TryGetValue(_inputName[0], out var input))
            {
                throw new InvalidOperationException($"SAM image encoder {fullPath} has no input '{_inputName[0]}'.");
            }

            if (!_session.OutputMetadata.TryGetValue(_outputName[0], out var output))
            {
                throw new InvalidOperationException($"SAM image encoder {fullPath} has no output '{_outputName[0]}'.");
            }

            _pixelMean = pixelMean;
            _pixelStd = pixelStd;
            Layout = layout;
            SupportsBatch = layout == SamEncoderInputLayout.HwcRaw
                ? ValidateHwc(fullPath, _inputName[0], input, _outputName[0], output)
                : Validate(fullPath, _inputName[0], input, _outputName[0], output);
            Id = "sam-" + ModelFingerprint.Of(fullPath) + SettingsSuffix(pixelMean, pixelStd, layout);
        }
        catch
        {
            _lease.Dispose();
            throw;
        }
    }

    public string Id { get; }

    public int Dimension => EmbeddingLength;

    /// <summary>How images are handed to the model.</summary>
    public SamEncoderInputLayout Layout { get; }

    /// <summary>True when the model's batch dimension is dynamic, so several images go through one run.</summary>
    public bool SupportsBatch { get; }

    public float[] Encode(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return Run([image])[0];
    }

    public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<GrayImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var result = new List<float[]>(images.Count);
        var chunk = SupportsBatch ? MaxBatch : 1;
        for (var start = 0; start < images.Count; start += chunk)
        {
            var count = Math.Min(chunk, images.Count - start);
            var slice = new GrayImage[count];
            for (var i = 0; i < count; i++)
            {
                slice[i] = images[start + i];
            }

            result.AddRange(Run(slice));
        }

        return result;
    }

    /// <summary>Retires the encoder and releases its lease on the shared session (see OnnxSessions).</summary>
    public void Dispose()
    {
        _disposed = true;
        _lease.Dispose();
    }

    /// <summary>SAM's ResizeLongestSide target size: (int)(dim * 1024 / longest + 0.5).</summary>
    public static (int Width, int Height) ResizedSize(int width, int height)
    {
        var scale = (double)ImageSize / Math.Max(width, height);
        return ((int)((width * scale) + 0.5), (int)((height * scale) + 0.5));
    }

    /// <summary>Writes one image's normalised (SAM's mean/std), padded 3 x 1024 x 1024 tensor into <paramref name="destination"/>.</summary>
    internal static void Preprocess(GrayImage image, Span<float> destination) => Preprocess(image, destination, SamPixelMean, SamPixelStd);

    /// <summary>Writes one image's normalised, padded 3 x 1024 x 1024 tensor into <paramref name="destination"/>.</summary>
    internal static void Preprocess(GrayImage image, Span<float> destination, ReadOnlySpan<float> pixelMean, ReadOnlySpan<float> pixelStd)
    {
        var (width, height) = ResizedSize(image.Width, image.Height);
        var resized = ArrayPool<float>.Shared.Rent(width * height);
        try
        {
            BilinearResize.Resize(image.Pixels, image.Width, image.Height, resized, width, height);
            for (var c = 0; c < 3; c++)
            {
                var plane = destination.Slice(c * PlaneLength, PlaneLength);
                var mean = pixelMean[c];
                var std = pixelStd[c];
                for (var y = 0; y < height; y++)
                {
                    var row = plane.Slice(y * ImageSize, ImageSize);
                    var target = row[..width];
                    TensorPrimitives.Subtract(resized.AsSpan(y * width, width), mean, target);
                    TensorPrimitives.Divide(target, std, target);
                    row[width..].Clear();
                }

                plane[(height * ImageSize)..].Clear();
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resized);
        }
    }

    /// <summary>
    /// Writes one image resized so its longest side is 1024, as H x W x 3 raw (0..255) pixels, into
    /// <paramref name="destination"/> (at least H*W*3 long); returns (H, W).
    /// </summary>
    internal static (int Height, int Width) PreprocessHwc(GrayImage image, Span<float> destination)
    {
        var (width, height) = ResizedSize(image.Width, image.Height);
        var resized = ArrayPool<float>.Shared.Rent(width * height);
        try
        {
            BilinearResize.Resize(image.Pixels, image.Width, image.Height, resized, width, height);
            var source = resized.AsSpan(0, width * height);
            for (var i = 0; i < source.Length; i++)
            {
                var v = source[i];
                var j = 3 * i;
                destination[j] = v;
                destination[j + 1] = v;
                destination[j + 2] = v;
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resized);
        }

        return (height, width);
    }

    private float[][] Run(GrayImage[] images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Layout == SamEncoderInputLayout.HwcRaw)
        {
            var result = new float[images.Length][];
            for (var i = 0; i < images.Length; i++)
            {
                result[i] = RunHwc(images[i]);
            }

            return result;
        }

        var n = images.Length;
        var buffer = ArrayPool<float>.Shared.Rent(n * InputLength);
        try
        {
            for (var i = 0; i < n; i++)
            {
                Preprocess(images[i], buffer.AsSpan(i * InputLength, InputLength), _pixelMean, _pixelStd);
            }

            using var runOptions = new RunOptions();
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, n * InputLength), [n, 3, ImageSize, ImageSize]);
            using var outputs = _session.Run(runOptions, _inputName, [input], _outputName);
            var data = outputs[0].GetTensorDataAsSpan<float>();
            if (data.Length != n * EmbeddingLength)
            {
                throw new InvalidOperationException(
                    $"SAM encoder output '{_outputName[0]}' has {data.Length} values for {n} image(s); expected {n} x {EmbeddingChannels}x{EmbeddingSize}x{EmbeddingSize}.");
            }

            var result = new float[n][];
            for (var i = 0; i < n; i++)
            {
                result[i] = data.Slice(i * EmbeddingLength, EmbeddingLength).ToArray();
            }

            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private float[] RunHwc(GrayImage image)
    {
        var (width, height) = ResizedSize(image.Width, image.Height);
        var length = width * height * 3;
        var buffer = ArrayPool<float>.Shared.Rent(length);
        try
        {
            PreprocessHwc(image, buffer.AsSpan(0, length));
            using var runOptions = new RunOptions();
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, length), [height, width, 3]);
            using var outputs = _session.Run(runOptions, _inputName, [input], _outputName);
            var data = outputs[0].GetTensorDataAsSpan<float>();
            if (data.Length != EmbeddingLength)
            {
                throw new InvalidOperationException(
                    $"SAM encoder output '{_outputName[0]}' has {data.Length} values; expected {EmbeddingChannels}x{EmbeddingSize}x{EmbeddingSize}.");
            }

            return data.ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
        }
    }

    private static string RequireModel(string modelPath)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"SAM image encoder model not found: {fullPath}", fullPath);
        }

        return fullPath;
    }

    private static SamPackage NotNull(SamPackage package)
    {
        ArgumentNullException.ThrowIfNull(package);
        return package;
    }

    private static float[] ToFloats(IReadOnlyList<double> values, string name)
    {
        if (values is not { Count: 3 })
        {
            throw new InvalidOperationException($"{name} needs 3 values.");
        }

        return [(float)values[0], (float)values[1], (float)values[2]];
    }

    /// <summary>
    /// Empty for SAM's own settings (nchw-normalized, SAM's mean/std), so existing cache ids stay valid; otherwise
    /// "-" and 8 hex characters of a SHA-256 over the layout and the float bits of mean and std.
    /// </summary>
    private static string SettingsSuffix(float[] pixelMean, float[] pixelStd, SamEncoderInputLayout layout)
    {
        if (layout == SamEncoderInputLayout.NchwNormalized && pixelMean.AsSpan().SequenceEqual(SamPixelMean) && pixelStd.AsSpan().SequenceEqual(SamPixelStd))
        {
            return string.Empty;
        }

        var text = string.Join(
            ',',
            new[] { layout.ToString() }
                .Concat(pixelMean.Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)))
                .Concat(pixelStd.Select(v => BitConverter.SingleToInt32Bits(v).ToString("x8", System.Globalization.CultureInfo.InvariantCulture))));
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text));
        return "-" + Convert.ToHexStringLower(hash.AsSpan(0, 4));
    }

    /// <returns>False: hwc-raw models take one image per run.</returns>
    private static bool ValidateHwc(string path, string inputName, NodeMetadata input, string outputName, NodeMetadata output)
    {
        var inDims = input.Dimensions;
        var inputOk = input.ElementDataType == TensorElementType.Float && inDims.Length == 3 && inDims[2] == 3;

        var outDims = output.Dimensions;
        var total = outDims.Aggregate(1L, (a, d) => a * d);
        var outputOk = output.ElementDataType == TensorElementType.Float
            && outDims.Length >= 1
            && (total == EmbeddingLength || outDims.Any(d => d < 0));

        if (!inputOk || !outputOk)
        {
            throw new InvalidOperationException(
                $"Not a hwc-raw SAM image encoder: {path}. Expected input float [H,W,3] and output float " +
                $"[1,{EmbeddingChannels},{EmbeddingSize},{EmbeddingSize}] ({EmbeddingLength} values); found input " +
                $"{OnnxSessions.Describe(inputName, input)} and output {OnnxSessions.Describe(outputName, output)}.");
        }

        return false;
    }

    /// <returns>Whether the batch dimension is dynamic.</returns>
    private static bool Validate(string path, string inputName, NodeMetadata input, string outputName, NodeMetadata output)
    {
        var inDims = input.Dimensions;
        var inputOk = input.ElementDataType == TensorElementType.Float
            && inDims.Length == 4
            && inDims[1] == 3
            && (inDims[2] == ImageSize || inDims[2] == -1)
            && (inDims[3] == ImageSize || inDims[3] == -1)
            && (inDims[0] == 1 || inDims[0] == -1);

        // Elements per image: product of the non-batch dimensions (dynamic ones are checked at run time).
        var outDims = output.Dimensions;
        var perImage = outDims.Skip(1).Aggregate(1L, (a, d) => a * d);
        var outputOk = output.ElementDataType == TensorElementType.Float
            && outDims.Length >= 2
            && (perImage == EmbeddingLength || outDims.Skip(1).Any(d => d < 0));

        if (!inputOk || !outputOk)
        {
            throw new InvalidOperationException(
                $"Not a SAM image encoder: {path}. Expected first input float [1 or -1,3,{ImageSize},{ImageSize}] and first output float " +
                $"[N,{EmbeddingChannels},{EmbeddingSize},{EmbeddingSize}] ({EmbeddingLength} values per image); found input " +
                $"{OnnxSessions.Describe(inputName, input)} and output {OnnxSessions.Describe(outputName, output)}.");
        }

        return inDims[0] == -1;
    }
}
