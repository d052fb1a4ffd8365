using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Grains.Images;
using SamMpa.Grains.Telemetry;
using SamMpa.Storage;
using Phantoms = SamMpa.Imaging.Phantoms.PhantomDataset;
using Xunit.Abstractions;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The load test: 2,000 small phantoms through upload, embedding, selection, annotation and a run on a gpu and a cpu
/// silo with the Identity registration stand-in, so the cluster's own overhead per image is what is measured. Its
/// figures go to the test output and, as one JSON line, to TestResults/load-test.json in the working directory.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class LoadTests(LoadClusterFixture fixture, ITestOutputHelper output)
{
    private const int Images = 2000;
    private const int Size = 64;
    private const int Shots = 5;
    private const double MiB = 1024 * 1024;

    // A guard against a hang, not a performance bound: on 2 idle cores each phase takes about a minute at most.
    private static readonly TimeSpan PhasePatience = TimeSpan.FromMinutes(10);

    // Every image and mask of the dataset as 64x64 float pixels at once would be 2,000 x 2 x 16 KiB = 62.5 MiB; the
    // ResNet18 model, two silos and their grains take a few hundred more. A peak near 1 GiB means something keeps
    // per-image buffers or requests for the whole dataset alive.
    private const long PeakManagedBound = 1L << 30;

    // What the run may leave behind on the heap (after a full collection), against the state before it: the
    // activations of 2,000 image grains and the outcomes kept for the report, not the images' pixels.
    private const long RetainedGrowthBound = 64L << 20;

    [Fact]
    public async Task Two_thousand_small_images_run_to_the_end_without_retries_timeouts_or_unbounded_memory()
    {
        var wall = Stopwatch.StartNew();
        var dataset = NewDatasetId();
        var siloMeters = fixture.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<SamMpaMetrics>().Meter).ToArray();
        using var recorder = new LoadMetricsRecorder(siloMeters);
        var retainedAtStart = GC.GetTotalMemory(forceFullCollection: true);
        await using var memory = new ProcessMemorySampler(TimeSpan.FromMilliseconds(100));

        var clock = Stopwatch.StartNew();
        var startCpu = CpuSeconds();
        await UploadPhantomsAsync(dataset);
        var uploadSeconds = clock.Elapsed.TotalSeconds;
        var uploadCpuSeconds = CpuSeconds() - startCpu;
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        clock.Restart();
        var cpu = CpuSeconds();
        await grain.CreateAsync(new CreateDataset { TruthPrefix = DatasetBlobLayout.TruthPrefix(dataset), WorkingSize = Size });
        var embedded = await WaitAsync(grain, s => s.Phase is DatasetPhase.Embedded or DatasetPhase.Failed, PhasePatience);
        var embeddingSeconds = clock.Elapsed.TotalSeconds;
        var embeddingCpuSeconds = CpuSeconds() - cpu;
        Assert.True(
            embedded.Phase == DatasetPhase.Embedded && embedded.Embedded == Images,
            $"expected all {Images} images embedded, got {embedded.Phase} with {embedded.Embedded}: {embedded.Message}");

        clock.Restart();
        await grain.SelectSupportsAsync(new SelectSupports { K = Shots });
        var selected = await WaitAsync(grain, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed, PhasePatience);
        var selectionSeconds = clock.Elapsed.TotalSeconds;
        Assert.True(selected.Phase == DatasetPhase.AwaitingAnnotations, $"expected {Shots} supports to be selected, got {selected.Phase}: {selected.Message}");
        var events = await SubscribeAsync(fixture.Client, dataset);
        await AnnotateFromTruthAsync(fixture.Client, fixture.Blobs, dataset, selected.Supports);

        var retainedBeforeRun = GC.GetTotalMemory(forceFullCollection: true);
        clock.Restart();
        cpu = CpuSeconds();
        var status = await RunToEndAsync(fixture.Client, dataset, events, patience: PhasePatience);
        var runSeconds = clock.Elapsed.TotalSeconds;
        var runCpuSeconds = CpuSeconds() - cpu;
        await memory.StopAsync();
        var retainedAfterRun = GC.GetTotalMemory(forceFullCollection: true);

        const int queries = Images - Shots;
        var figures = new LoadFigures
        {
            Images = Images,
            Size = Size,
            K = Shots,
            Queries = queries,
            MaxInFlight = fixture.Job.MaxInFlight,
            CheckpointEvery = fixture.Job.CheckpointEvery,
            Cores = Environment.ProcessorCount,
            UploadSeconds = Math.Round(uploadSeconds, 2),
            UploadCpuSeconds = Math.Round(uploadCpuSeconds, 2),
            EmbeddingSeconds = Math.Round(embeddingSeconds, 2),
            EmbeddingsPerSecond = Math.Round(Images / embeddingSeconds, 1),
            EmbeddingCpuMsPerImage = Math.Round(1000 * embeddingCpuSeconds / Images, 1),
            EmbedWorkerSeconds = Math.Round(recorder.StageSeconds(StageNames.Embed), 2),
            SelectionSeconds = Math.Round(selectionSeconds, 2),
            RunSeconds = Math.Round(runSeconds, 2),
            QueriesPerSecond = Math.Round(queries / runSeconds, 1),
            RunCpuMsPerQuery = Math.Round(1000 * runCpuSeconds / queries, 1),
            RegisterWorkerSeconds = Math.Round(recorder.StageSeconds(StageNames.Register), 2),
            SegmentWorkerSeconds = Math.Round(recorder.StageSeconds(StageNames.Segment), 2),
            PeakManagedMib = Math.Round(memory.PeakManagedBytes / MiB, 1),
            PeakGcCommittedMib = Math.Round(memory.PeakCommittedBytes / MiB, 1),
            PeakWorkingSetMib = Math.Round(memory.PeakWorkingSetBytes / MiB, 1),
            RetainedAtStartMib = Math.Round(retainedAtStart / MiB, 1),
            RetainedBeforeRunMib = Math.Round(retainedBeforeRun / MiB, 1),
            RetainedAfterRunMib = Math.Round(retainedAfterRun / MiB, 1),
            MemorySamples = memory.Samples,
            Retries = recorder.Retries.Count,
            TimedOutCalls = recorder.TimedOut,
            Failed = status.Failed,
            WallSeconds = Math.Round(wall.Elapsed.TotalSeconds, 2),
            CpuSeconds = Math.Round(CpuSeconds() - startCpu, 2),
        };
        Report(figures);

        Assert.True(status.Phase == DatasetPhase.Completed, $"expected the run to complete, got {status.Phase}: {status.Message}");
        Assert.True(
            status.Failed == 0 && status.Segmented == queries,
            $"expected {queries} queries segmented and none failed, got {status.Segmented} segmented and {status.Failed} failed: "
            + string.Join("; ", status.Failures.Take(5).Select(f => $"{f.Image} ({f.Stage}): {f.Reason}")));
        await AssertEveryQueryHasOneMaskAndEventAsync(fixture.Blobs, dataset, events, queries);
        var withoutMask = events.Items.OfType<ImageSegmented>().Where(e => e.Outcome.MaskBlob is null || e.Outcome.Failed).Select(e => e.Outcome.Image).ToArray();
        Assert.True(withoutMask.Length == 0, $"expected every ImageSegmented outcome to carry a mask blob, these do not: {string.Join(", ", withoutMask.Take(10))}");
        Assert.True(recorder.TimedOut == 0, $"expected no grain call to time out, {recorder.TimedOut} did (retries: {recorder.DescribeRetries()})");
        Assert.True(recorder.Retries.Count == 0, $"expected no image call to be retried, got {recorder.Retries.Count}: {recorder.DescribeRetries()}");
        Assert.True(
            memory.PeakManagedBytes < PeakManagedBound,
            $"expected the managed heap to stay under {PeakManagedBound / MiB:F0} MiB, it peaked at {memory.PeakManagedBytes / MiB:F1} MiB");
        Assert.True(
            retainedAfterRun - retainedBeforeRun < RetainedGrowthBound,
            $"expected the run to leave under {RetainedGrowthBound / MiB:F0} MiB more on the heap, it left {(retainedAfterRun - retainedBeforeRun) / MiB:F1} MiB ({retainedBeforeRun / MiB:F1} -> {retainedAfterRun / MiB:F1} MiB)");
    }

    /// <summary>CPU time of this process (the silos, the client and the test), which a busy machine does not inflate.</summary>
    private static double CpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    /// <summary>Generates the phantoms in memory and writes images and ground truth to the dataset's blobs, one per core.</summary>
    private async Task UploadPhantomsAsync(string dataset)
    {
        await Parallel.ForAsync(0, Images, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (i, cancellationToken) =>
        {
            // Two anatomies under 1,000 deformations each: two natural clusters, like the other cluster tests' phantoms.
            var (name, image, mask) = Phantoms.Create(i, seed: 1, Size, anatomies: 2);
            await fixture.Blobs.WriteAsync(DatasetBlobLayout.Image(dataset, name), image, cancellationToken);
            await fixture.Blobs.WriteAsync(DatasetBlobLayout.Truth(dataset, name), mask, cancellationToken);
        });
    }

    /// <summary>Writes the figures to the test output and as one JSON line to TestResults/load-test.json.</summary>
    private void Report(LoadFigures figures)
    {
        output.WriteLine($"load: {figures.Images} images {figures.Size}x{figures.Size}, K = {figures.K}, {figures.Queries} queries, {figures.Cores} cores, MaxInFlight {figures.MaxInFlight}");
        output.WriteLine($"upload {figures.UploadSeconds:F1} s ({figures.UploadCpuSeconds:F1} s CPU); embedding {figures.EmbeddingSeconds:F1} s ({figures.EmbeddingsPerSecond:F1} images/s, {figures.EmbeddingCpuMsPerImage:F1} ms CPU each, embedding worker busy {figures.EmbedWorkerSeconds:F1} s); selection {figures.SelectionSeconds:F1} s");
        output.WriteLine($"run {figures.RunSeconds:F1} s ({figures.QueriesPerSecond:F1} queries/s, {figures.RunCpuMsPerQuery:F1} ms CPU each, registration workers {figures.RegisterWorkerSeconds:F1} s, coarse-mask writing {figures.SegmentWorkerSeconds:F1} s)");
        output.WriteLine($"retries {figures.Retries}; timed-out calls {figures.TimedOutCalls}; failed {figures.Failed}");
        output.WriteLine($"peak managed heap {figures.PeakManagedMib:F1} MiB, GC committed {figures.PeakGcCommittedMib:F1} MiB, working set {figures.PeakWorkingSetMib:F1} MiB ({figures.MemorySamples} samples)");
        output.WriteLine($"heap after a full collection: {figures.RetainedAtStartMib:F1} MiB at the start, {figures.RetainedBeforeRunMib:F1} MiB before the run, {figures.RetainedAfterRunMib:F1} MiB after; test wall {figures.WallSeconds:F1} s, {figures.CpuSeconds:F1} s CPU");
        var path = Path.Combine(Directory.GetCurrentDirectory(), "TestResults", "load-test.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, JsonSerializer.Serialize(figures, JsonOptions) + Environment.NewLine);
        output.WriteLine($"figures: {path}");
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>What one load run measured (seconds, MiB); serialized as snake_case JSON.</summary>
    private sealed record LoadFigures
    {
        public int Images { get; init; }
        public int Size { get; init; }
        public int K { get; init; }
        public int Queries { get; init; }
        public int MaxInFlight { get; init; }
        public int CheckpointEvery { get; init; }
        public int Cores { get; init; }
        public double UploadSeconds { get; init; }
        public double UploadCpuSeconds { get; init; }
        public double EmbeddingSeconds { get; init; }
        public double EmbeddingsPerSecond { get; init; }
        public double EmbeddingCpuMsPerImage { get; init; }
        public double EmbedWorkerSeconds { get; init; }
        public double SelectionSeconds { get; init; }
        public double RunSeconds { get; init; }
        public double QueriesPerSecond { get; init; }
        public double RunCpuMsPerQuery { get; init; }
        public double RegisterWorkerSeconds { get; init; }
        public double SegmentWorkerSeconds { get; init; }
        public double PeakManagedMib { get; init; }
        public double PeakGcCommittedMib { get; init; }
        public double PeakWorkingSetMib { get; init; }
        public double RetainedAtStartMib { get; init; }
        public double RetainedBeforeRunMib { get; init; }
        public double RetainedAfterRunMib { get; init; }
        public int MemorySamples { get; init; }
        public int Retries { get; init; }
        public long TimedOutCalls { get; init; }
        public int Failed { get; init; }
        public double WallSeconds { get; init; }

        /// <summary>CPU seconds of the process from the upload on: with N idle cores the test takes at least this / N.</summary>
        public double CpuSeconds { get; init; }
    }
}
