using System.Collections.Concurrent;
using Microsoft.ML.OnnxRuntime;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// One <see cref="InferenceSession"/> per (model path, device) per process. Sessions live for the process:
/// encoders share them and do not dispose them. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is safe to call concurrently.
/// </summary>
internal static class OnnxSessions
{
    private static readonly ConcurrentDictionary<string, Lazy<InferenceSession>> Sessions = new(StringComparer.Ordinal);

    public static InferenceSession Get(string modelPath, Device device, Action<string>? warn)
    {
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model not found: {fullPath}", fullPath);
        }

        var key = $"{fullPath}|{device}";
        var lazy = Sessions.GetOrAdd(
            key,
            _ => new Lazy<InferenceSession>(() => Create(fullPath, device, warn), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            // Do not cache a failure (e.g. a model file that is being replaced): the next caller retries.
            Sessions.TryRemove(new KeyValuePair<string, Lazy<InferenceSession>>(key, lazy));
            throw;
        }
    }

    private static InferenceSession Create(string fullPath, Device device, Action<string>? warn)
    {
        if (device == Device.Cuda)
        {
            try
            {
                using var cudaOptions = NewOptions();
                cudaOptions.AppendExecutionProvider_CUDA(0);
                return new InferenceSession(fullPath, cudaOptions);
            }
            catch (Exception ex)
            {
                warn?.Invoke($"CUDA execution provider unavailable for {Path.GetFileName(fullPath)} ({ex.GetType().Name}: {FirstLine(ex.Message)}); using the CPU.");
            }
        }

        using var options = NewOptions();
        return new InferenceSession(fullPath, options);
    }

    private static SessionOptions NewOptions() => new()
    {
        GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
    };

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    /// <summary>Describes a node's shape for error messages, e.g. "image float [-1,3,1024,1024]".</summary>
    public static string Describe(string name, NodeMetadata metadata) =>
        $"'{name}' {metadata.ElementDataType} [{string.Join(',', metadata.Dimensions)}]";
}
