using System.Buffers;
using Microsoft.ML.OnnxRuntime;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// The default encoder: ML.NET's DnnImageFeaturizer ResNet18 pipeline reproduced on ONNX Runtime.
/// The image is resized to 224x224, given as planar RGB floats on the 0..255 scale (gray: R=G=B) to
/// ResNetPreprocess.onnx ("OriginalInput" -> "PreprocessedInput": RGB->BGR and mean-image subtraction),
/// whose output feeds ResNet18.onnx ("Input247" -> "Pooling395_Output_0", 1x512x1x1).
/// Both models have a fixed batch of 1, so batches are encoded one image at a time.
/// </summary>
public sealed class ResNet18Encoder : IImageEncoder
{
    public const string ModelsFolderName = "DnnImageModels";
    public const string ResNetRelativePath = "ResNet18Onnx/ResNet18.onnx";
    public const string PreprocessRelativePath = "ResNetPrepOnnx/ResNetPreprocess.onnx";
    public const int InputSize = 224;
    public const int FeatureDimension = 512;

    private const int PlaneLength = InputSize * InputSize;
    private static readonly long[] InputShape = [1, 3, InputSize, InputSize];

    private readonly OnnxSessions.SessionLease _preprocessLease;
    private readonly OnnxSessions.SessionLease _resnetLease;
    private readonly InferenceSession _preprocess;
    private readonly InferenceSession _resnet;
    private readonly string[] _preprocessInput;
    private readonly string[] _preprocessOutput;
    private readonly string[] _resnetInput;
    private readonly string[] _resnetOutput;
    private volatile bool _disposed;

    /// <summary>Uses the models copied next to the application ({AppContext.BaseDirectory}/DnnImageModels).</summary>
    public ResNet18Encoder(Device device = Device.Cpu, Action<string>? warn = null)
        : this(Path.Combine(AppContext.BaseDirectory, ModelsFolderName), device, warn)
    {
    }

    /// <param name="modelFolder">The "DnnImageModels" folder holding ResNet18Onnx/ and ResNetPrepOnnx/.</param>
    public ResNet18Encoder(string modelFolder, Device device = Device.Cpu, Action<string>? warn = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFolder);
        var resnetPath = Path.GetFullPath(Path.Combine(modelFolder, ResNetRelativePath));
        var preprocessPath = Path.GetFullPath(Path.Combine(modelFolder, PreprocessRelativePath));
        foreach (var path in new[] { resnetPath, preprocessPath })
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"ResNet18 featurizer model not found: {path}", path);
            }
        }

        _preprocessLease = OnnxSessions.Open(preprocessPath, device, warn);
        try
        {
            _resnetLease = OnnxSessions.Open(resnetPath, device, warn);
        }
        catch
        {
            _preprocessLease.Dispose();
            throw;
        }

        _preprocess = _preprocessLease.Session;
        _resnet = _resnetLease.Session;
        _preprocessInput = [_preprocess.InputNames[0]];
        _preprocessOutput = [_preprocess.OutputNames[0]];
        _resnetInput = [_resnet.InputNames[0]];
        _resnetOutput = [_resnet.OutputNames[0]];
        try
        {
            Validate(preprocessPath, resnetPath);
        }
        catch
        {
            Dispose();
            throw;
        }
        Id = "resnet18-" + ModelFingerprint.Of(resnetPath, preprocessPath);
    }

    public string Id { get; }

    public int Dimension => FeatureDimension;

    public float[] Encode(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var input = ArrayPool<float>.Shared.Rent(3 * PlaneLength);
        try
        {
            var red = input.AsSpan(0, PlaneLength);
            BilinearResize.Resize(image.Pixels, image.Width, image.Height, red, InputSize, InputSize);
            red.CopyTo(input.AsSpan(PlaneLength, PlaneLength));
            red.CopyTo(input.AsSpan(2 * PlaneLength, PlaneLength));

            using var runOptions = new RunOptions();
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input.AsMemory(0, 3 * PlaneLength), InputShape);
            using var preprocessed = _preprocess.Run(runOptions, _preprocessInput, [inputValue], _preprocessOutput);
            using var features = _resnet.Run(runOptions, _resnetInput, [preprocessed[0]], _resnetOutput);
            var data = features[0].GetTensorDataAsSpan<float>();
            if (data.Length != FeatureDimension)
            {
                throw new InvalidOperationException($"ResNet18 returned {data.Length} values, expected {FeatureDimension}.");
            }

            return data.ToArray();
        }
        finally
        {
            ArrayPool<float>.Shared.Return(input);
        }
    }

    public IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<GrayImage> images)
    {
        ArgumentNullException.ThrowIfNull(images);
        var result = new float[images.Count][];
        for (var i = 0; i < images.Count; i++)
        {
            result[i] = Encode(images[i]);
        }

        return result;
    }

    /// <summary>Retires the encoder and releases its leases on the shared sessions (see OnnxSessions).</summary>
    public void Dispose()
    {
        _disposed = true;
        _preprocessLease.Dispose();
        _resnetLease.Dispose();
    }

    private void Validate(string preprocessPath, string resnetPath)
    {
        var prepIn = _preprocess.InputMetadata[_preprocessInput[0]];
        var prepOut = _preprocess.OutputMetadata[_preprocessOutput[0]];
        var netIn = _resnet.InputMetadata[_resnetInput[0]];
        var netOut = _resnet.OutputMetadata[_resnetOutput[0]];
        var ok = prepIn.Dimensions.SequenceEqual([1, 3, InputSize, InputSize])
            && prepOut.Dimensions.SequenceEqual(netIn.Dimensions)
            && netOut.Dimensions.Aggregate(1L, (a, d) => a * d) == FeatureDimension;
        if (!ok)
        {
            throw new InvalidOperationException(
                $"Unexpected ResNet18 featurizer models. Expected {preprocessPath} input [1,3,{InputSize},{InputSize}] " +
                $"whose output matches {resnetPath} input, and a {FeatureDimension}-value output; found " +
                $"{OnnxSessions.Describe(_preprocessInput[0], prepIn)} -> {OnnxSessions.Describe(_preprocessOutput[0], prepOut)}, " +
                $"{OnnxSessions.Describe(_resnetInput[0], netIn)} -> {OnnxSessions.Describe(_resnetOutput[0], netOut)}.");
        }
    }
}
