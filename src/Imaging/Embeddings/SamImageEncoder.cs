using System.Buffers;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// A SAM image encoder exported to ONNX (input N x 3 x 1024 x 1024 float, output N x 256 x 64 x 64).
/// Preprocessing is SAM's: resize the longest side to 1024 (bilinear, aspect kept), gray replicated to RGB,
/// normalised with SAM's pixel mean/std, zero-padded bottom/right to 1024 x 1024 after normalisation.
/// The model's first input and first output are used. Output: 256*64*64 = 1,048,576 floats per image.
/// </summary>
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

    private static readonly float[] PixelMean = [123.675f, 116.28f, 103.53f];
    private static readonly float[] PixelStd = [58.395f, 57.12f, 57.375f];

    private readonly InferenceSession _session;
    private readonly string[] _inputName;
    private readonly string[] _outputName;
    private volatile bool _disposed;

    public SamImageEncoder(string modelPath, Device device = Device.Cpu, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"SAM image encoder model not found: {fullPath}", fullPath);
        }

        _session = OnnxSessions.Get(fullPath, device, warn);
        _inputName = [_session.InputNames[0]];
        _outputName = [_session.OutputNames[0]];
        var input = _session.InputMetadata[_inputName[0]];
        var output = _session.OutputMetadata[_outputName[0]];
        SupportsBatch = Validate(fullPath, _inputName[0], input, _outputName[0], output);
        Id = "sam-" + ModelFingerprint.Of(fullPath);
    }

    public string Id { get; }

    public int Dimension => EmbeddingLength;

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

    /// <summary>The shared session belongs to the process (see OnnxSessions); this only retires the encoder.</summary>
    public void Dispose() => _disposed = true;

    /// <summary>SAM's ResizeLongestSide target size: (int)(dim * 1024 / longest + 0.5).</summary>
    public static (int Width, int Height) ResizedSize(int width, int height)
    {
        var scale = (double)ImageSize / Math.Max(width, height);
        return ((int)((width * scale) + 0.5), (int)((height * scale) + 0.5));
    }

    /// <summary>Writes one image's normalised, padded 3 x 1024 x 1024 tensor into <paramref name="destination"/>.</summary>
    internal static void Preprocess(GrayImage image, Span<float> destination)
    {
        var (width, height) = ResizedSize(image.Width, image.Height);
        var resized = ArrayPool<float>.Shared.Rent(width * height);
        try
        {
            BilinearResize.Resize(image.Pixels, image.Width, image.Height, resized, width, height);
            for (var c = 0; c < 3; c++)
            {
                var plane = destination.Slice(c * PlaneLength, PlaneLength);
                var mean = PixelMean[c];
                var std = PixelStd[c];
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

    private float[][] Run(GrayImage[] images)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var n = images.Length;
        var buffer = ArrayPool<float>.Shared.Rent(n * InputLength);
        try
        {
            for (var i = 0; i < n; i++)
            {
                Preprocess(images[i], buffer.AsSpan(i * InputLength, InputLength));
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
