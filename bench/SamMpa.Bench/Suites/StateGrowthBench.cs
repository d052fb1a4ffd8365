using System.Diagnostics.Metrics;
using SamMpa.Bench.Orchestration;
using SamMpa.Bench.Results;
using SamMpa.Grains.Datasets;
using SamMpa.Hosting.Local;
using SamMpa.Storage;

namespace SamMpa.Bench.Suites;

/// <summary>
/// Whether a dataset's grain state stays small as the dataset grows: bytes of dataset-grain state written per segmented
/// image during a run of N phantoms, at two sizes ten times apart (the ratio should be near 1: O(N) bytes in all, not
/// O(N^2)), with the peak managed heap of each run.
/// </summary>
public sealed class StateGrowthBench : IBenchSuite
{
    private const int Size = 32;
    private const int K = 5;
    private const double MaxRatio = 1.2;
    // Embedding 20,000 images with ResNet18 (setup, not measured) takes most of an hour on 2 busy cores.
    private static readonly TimeSpan Patience = TimeSpan.FromHours(3);

    public string Name => "state";

    public async Task<IReadOnlyList<BenchTable>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        int[] sizes = options.Quick ? [200, 2_000] : [2_000, 20_000];
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        var perImage = new List<double>();
        foreach (var count in sizes)
        {
            var (figures, notes) = await MeasureAsync(count, cancellationToken);
            perImage.Add(figures.DatasetBytes / (double)figures.Segmented);
            rows.Add(Row.Of(
                ("images", count),
                ("segmented", figures.Segmented),
                ("dataset state writes", figures.DatasetWrites),
                ("dataset state bytes", figures.DatasetBytes),
                ("dataset bytes per image", figures.DatasetBytes / (double)figures.Segmented),
                ("image state bytes per image", figures.ImageBytes / (double)figures.Segmented),
                ("run s", figures.RunSeconds),
                ("peak managed heap MiB", figures.PeakHeapBytes / 1048576.0)));
            BenchLog.Line($"state: {count} images: {notes}");
        }

        var ratio = perImage[^1] / perImage[0];
        BenchLog.Line($"state: dataset bytes per image at {sizes[^1]} over {sizes[0]}: {ratio:0.000} (at most {MaxRatio})");
        return
        [
            new BenchTable(
                "Grain state per segmented image",
                $"bytes of grain state written during a run (from RunAsync to DatasetCompleted), per segmented image, at {sizes[0]:N0} and {sizes[^1]:N0} images; ratio of the dataset's bytes per image {ratio:0.000} (target at most {MaxRatio}).",
                ["images", "segmented", "dataset state writes", "dataset state bytes", "dataset bytes per image", "image state bytes per image", "run s", "peak managed heap MiB"],
                rows,
                [
                    $"Phantoms of {Size}x{Size}, K = {K}, working size {Size}, Registration:Engine=Identity (no elastix), one in-process silo of role all with local storage; bytes counted by the local grain storage's sammpa.grain_state.bytes_written, by state name.",
                    "Peak managed heap: the largest GC heap size sampled every 100 ms during the whole measurement (upload, embedding, selection, run) of that size.",
                ]),
        ];
    }

    private static async Task<(Figures Figures, string Notes)> MeasureAsync(int count, CancellationToken cancellationToken)
    {
        using var root = new TemporaryFolder("sammpa-bench-state-");
        var blobs = new LocalFolderBlobStore(root.Path);
        var dataset = $"bench-state-{count}";
        using var heap = new HeapSampler();
        await PhantomUpload.UploadAsync([blobs], dataset, count, Size, cancellationToken);
        await using var silo = await InProcessSilo.StartAsync(
            new Dictionary<string, string?> { ["Storage:LocalRoot"] = root.Path, ["Registration:Engine"] = "Identity", ["Models:DenseFeatures"] = "false" },
            cancellationToken);
        var grain = silo.Client.GetGrain<IDatasetGrain>(dataset);
        var embedSeconds = await DatasetPreparation.PrepareAsync(grain, dataset, Size, K, [blobs], Patience, cancellationToken);
        var events = await CompletionEvents.SubscribeAsync(silo.Client, dataset);
        using var written = new StateBytes();
        var (runSeconds, _, completed) = await events.RunAsync(grain, Patience, cancellationToken);
        if (completed.Failed > 0)
        {
            throw new InvalidOperationException($"State bench at {count}: {completed.Failed} of {completed.Queries} queries failed.");
        }

        return (
            new Figures(completed.Segmented, written.Writes("dataset"), written.Bytes("dataset"), written.Bytes("image"), runSeconds, heap.Peak),
            $"embedded in {embedSeconds:0.0} s, run {runSeconds:0.0} s, {written.Writes("dataset")} dataset state writes");
    }

    private sealed record Figures(int Segmented, long DatasetWrites, long DatasetBytes, long ImageBytes, double RunSeconds, long PeakHeapBytes);

    /// <summary>Bytes and writes of grain state by state name, from the local grain storage's counter.</summary>
    private sealed class StateBytes : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, (long Writes, long Bytes)> _byState = new(StringComparer.Ordinal);

        public StateBytes()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == LocalFolderGrainStorage.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, bytes, tags, _) =>
            {
                var state = string.Empty;
                foreach (var tag in tags)
                {
                    if (tag.Key == "state")
                    {
                        state = tag.Value as string ?? string.Empty;
                    }
                }

                lock (_byState)
                {
                    var (writes, total) = _byState.GetValueOrDefault(state);
                    _byState[state] = (writes + 1, total + bytes);
                }
            });
            _listener.Start();
        }

        public long Writes(string state)
        {
            lock (_byState)
            {
                return _byState.GetValueOrDefault(state).Writes;
            }
        }

        public long Bytes(string state)
        {
            lock (_byState)
            {
                return _byState.GetValueOrDefault(state).Bytes;
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>The largest managed heap seen, sampled every 100 ms until disposed.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public HeapSampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(100));

        public long Peak
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak);
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            var heap = GC.GetTotalMemory(forceFullCollection: false);
            long seen;
            do
            {
                seen = Interlocked.Read(ref _peak);
            }
            while (heap > seen && Interlocked.CompareExchange(ref _peak, heap, seen) != seen);
        }
    }
}
