using Microsoft.ML.OnnxRuntime;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// One <see cref="InferenceSession"/> per (model path, device) per process, shared through leases: <see cref="Open"/>
/// loads the session (or joins its load) and returns a lease; the session is disposed when its last lease is. Encoders
/// and SAM packages hold leases, so several silos of one process (test clusters) share a model, and a host that
/// disposes its models at shutdown frees the sessions. <see cref="InferenceSession.Run(RunOptions, IReadOnlyCollection{string}, IReadOnlyCollection{OrtValue}, IReadOnlyCollection{string})"/>
/// is safe to call concurrently.
/// </summary>
internal static class OnnxSessions
{
    // Guards the table and the lease counts only; a model loads outside it (callers of the same model wait on its load).
    private static readonly Lock TableGate = new();
    private static readonly Dictionary<string, Entry> Entries = new(StringComparer.Ordinal);

    /// <summary>A lease on the session of <paramref name="modelPath"/> on <paramref name="device"/>; dispose it when done.</summary>
    /// <param name="warn">Told, once per session, when CUDA was asked for and the session runs on the CPU.</param>
    public static SessionLease Open(string modelPath, Device device, Action<string>? warn)
    {
        var fullPath = Path.GetFullPath(modelPath);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"ONNX model not found: {fullPath}", fullPath);
        }

        var key = $"{fullPath}|{device}";
        Entry? entry;
        bool loads;
        lock (TableGate)
        {
            loads = !Entries.TryGetValue(key, out entry);
            if (loads)
            {
                entry = new Entry(key);
                Entries.Add(key, entry);
            }

            entry!.Leases++;
        }

        if (loads)
        {
            try
            {
                entry.Loaded.SetResult(Create(fullPath, device, warn));
            }
            catch (Exception e)
            {
                // Do not keep a failure (e.g. a model file that is being replaced): the next caller loads again.
                Forget(entry);
                entry.Loaded.SetException(e);
                throw;
            }
        }

        // Another caller is loading this model: wait for its session (or its failure).
        return new SessionLease(entry, entry.Loaded.Task.GetAwaiter().GetResult());
    }

    /// <summary>How many leases are held on the session of <paramref name="modelPath"/> on <paramref name="device"/> (0: none open).</summary>
    internal static int LeaseCount(string modelPath, Device device)
    {
        lock (TableGate)
        {
            return Entries.TryGetValue($"{Path.GetFullPath(modelPath)}|{device}", out var entry) ? entry.Leases : 0;
        }
    }

    /// <summary>Describes a node's shape for error messages, e.g. "image float [-1,3,1024,1024]".</summary>
    public static string Describe(string name, NodeMetadata metadata) =>
        $"'{name}' {metadata.ElementDataType} [{string.Join(',', metadata.Dimensions)}]";

    private static void Release(Entry entry)
    {
        bool last;
        lock (TableGate)
        {
            last = --entry.Leases == 0;
            if (last && Entries.TryGetValue(entry.Key, out var current) && current == entry)
            {
                Entries.Remove(entry.Key);
            }
        }

        if (last)
        {
            entry.Loaded.Task.Result.Dispose();
        }
    }

    private static void Forget(Entry entry)
    {
        lock (TableGate)
        {
            if (Entries.TryGetValue(entry.Key, out var current) && current == entry)
            {
                Entries.Remove(entry.Key);
            }
        }
    }

    private static InferenceSession Create(string fullPath, Device device, Action<string>? warn)
    {
        if (device == Device.Cuda)
        {
            // Throws where this build of ONNX Runtime has no CUDA provider (the CPU package) or CUDA cannot start.
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

    internal sealed class Entry(string key)
    {
        public string Key { get; } = key;

        public TaskCompletionSource<InferenceSession> Loaded { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Leases given or being given; under <see cref="TableGate"/>.</summary>
        public int Leases { get; set; }
    }

    /// <summary>One holder's share of a session: the session is disposed when every lease on it is.</summary>
    internal sealed class SessionLease : IDisposable
    {
        private readonly Entry _entry;
        private int _released;

        internal SessionLease(Entry entry, InferenceSession session)
        {
            _entry = entry;
            Session = session;
        }

        public InferenceSession Session { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                Release(_entry);
            }
        }
    }
}
