using System.Collections.Concurrent;
using SamMpa.Client.Cluster;
using SamMpa.Client.Commands;
using SamMpa.Client.Evaluation;
using SamMpa.Dicom;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Tests.Registration;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// A folder of DICOM instances through `sammpa eval` on the product's pipeline (a silo embedded in the test's process):
/// the bad-DICOM matrix beside good phantom instances and a multi-frame one. Each bad file is named with its reason, the
/// rest is segmented, one image per frame; every query's final mask comes back as a DICOM SEG that dciodvfy accepts and
/// pydicom reads equal to the mask, referencing the query's source instance (and frame). One eval serves the tests.
/// </summary>
public sealed class DicomDatasetEvalTests : IClassFixture<DicomDatasetEvalTests.EvaluatedFolder>
{
    private readonly EvaluatedFolder _evaluated;

    public DicomDatasetEvalTests(EvaluatedFolder evaluated) => _evaluated = evaluated;

    [DicomSegToolsFact]
    public async Task Each_bad_instance_is_named_with_its_reason_and_the_rest_is_segmented()
    {
        var (folder, report, warnings) = await _evaluated.Value;

        foreach (var (file, reason) in DicomPhantomFolder.BadFiles)
        {
            Assert.Contains(warnings, w => w.Contains(file, StringComparison.Ordinal) && w.Contains(reason, StringComparison.Ordinal));
        }

        // 5 single-frame instances and 2 frames: 7 images, 1 support, 6 queries, none failed.
        var run = Assert.Single(report.Runs);
        Assert.Equal(6, run.Queries);
        Assert.Equal(0, run.Failed);
        Assert.True(run.DiceMean > 0.7, $"expected propagated Dice above 0.7 on the DICOM phantoms, got {run.DiceMean:F3}");
        var rows = File.ReadAllLines(Path.Combine(folder.Phantoms.OutputDirectory, "per_image.csv"));
        Assert.Equal(1 + 6, rows.Length);
        Assert.DoesNotContain(rows, row => DicomPhantomFolder.BadFiles.Any(b => row.Contains($",{Path.GetFileNameWithoutExtension(b.File)}", StringComparison.Ordinal)));
    }

    [DicomSegToolsFact]
    public async Task A_multi_frame_instance_gives_one_image_per_frame()
    {
        var (folder, report, _) = await _evaluated.Value;

        var run = Assert.Single(report.Runs);
        var rows = File.ReadAllLines(Path.Combine(folder.Phantoms.OutputDirectory, "per_image.csv")).Skip(1).ToArray();
        foreach (var frame in new[] { "multi-f001.png", "multi-f002.png" })
        {
            Assert.True(
                run.Supports.Contains(frame) || rows.Any(r => r.Contains($",{frame},", StringComparison.Ordinal)),
                $"{frame} should be a support or a query of the run");
        }
    }

    [DicomSegToolsFact]
    public async Task Every_final_mask_is_a_valid_seg_equal_to_the_mask_and_referencing_its_instance()
    {
        var (folder, report, _) = await _evaluated.Value;

        var run = Assert.Single(report.Runs);
        var runDirectory = Path.Combine(folder.Phantoms.OutputDirectory, run.Run);
        var segs = Directory.GetFiles(Path.Combine(runDirectory, "seg"));
        Assert.Equal(6, segs.Length);
        foreach (var seg in segs)
        {
            var image = Path.ChangeExtension(Path.GetFileName(seg), ".png");
            var (errors, output) = await DicomSegCheckers.VerifyAsync(seg);
            Assert.True(errors.Count == 0, $"dciodvfy reports errors on the SEG of {image}:\n{output}");

            var read = await DicomSegCheckers.ReadWithPydicomAsync(seg);
            var source = DicomHeaderReader.Read(await File.ReadAllBytesAsync(folder.SourceOf[image]), folder.SourceOf[image]);
            Assert.Equal(source.Provenance.StudyInstanceUid, read.GetProperty("studyInstanceUid").GetString());
            Assert.Equal([source.Provenance.SopInstanceUid], read.GetProperty("referencedInstances").EnumerateArray().Select(e => e.GetString()));
            var frame = Assert.Single(read.GetProperty("frameReferences").EnumerateArray());
            Assert.Equal(source.Provenance.SopInstanceUid, frame.GetProperty("sopInstanceUid").GetString());
            if (image.StartsWith("multi-f", StringComparison.Ordinal))
            {
                Assert.Equal(int.Parse(image["multi-f".Length..^".png".Length], System.Globalization.CultureInfo.InvariantCulture), frame.GetProperty("frameNumber").GetInt32());
            }

            // Without SAM the final mask is the coarse one.
            using var mask = ImageFile.ReadMask(Path.Combine(runDirectory, "coarse", image));
            var expected = string.Concat(mask.Pixels.ToArray().Select(v => v > 0 ? '1' : '0'));
            Assert.Equal(expected, Assert.Single(read.GetProperty("frames").EnumerateArray()).GetString());
        }
    }

    /// <summary>The DICOM phantom folder evaluated once (at K = 1, es,mp) for every test of the class, on first use.</summary>
    public sealed class EvaluatedFolder : IDisposable
    {
        private readonly Lazy<Task<(DicomPhantomFolder Folder, EvalReport Report, IReadOnlyList<string> Warnings)>> _value = new(EvaluateAsync);

        internal Task<(DicomPhantomFolder Folder, EvalReport Report, IReadOnlyList<string> Warnings)> Value => _value.Value;

        public void Dispose()
        {
            if (_value.IsValueCreated && _value.Value.IsCompletedSuccessfully)
            {
                _value.Value.Result.Folder.Dispose();
            }
        }

        private static async Task<(DicomPhantomFolder, EvalReport, IReadOnlyList<string>)> EvaluateAsync()
        {
            var folder = await DicomPhantomFolder.CreateAsync();
            var progress = new RecordingProgress();
            var options = new EvalOptions
            {
                ImagesDirectory = folder.ImagesDirectory,
                MasksDirectory = folder.MasksDirectory,
                OutputDirectory = folder.Phantoms.OutputDirectory,
                Shots = [1],
                Stages = Stage.Es | Stage.Mp,
                WorkingSize = 64,
                Registration = QuickRegistrationMaps.Options,
            };
            await using var connection = await ClusterOptions.ConnectOrEmbedAsync(
                useCluster: false, settingsFile: null, new DirectoryInfo(folder.Phantoms.HomeDirectory), EvalCommand.EmbeddedOverrides(options), options.Registration, progress, CancellationToken.None);
            var report = (await new ClusterEval(connection, options, progress).RunAsync(CancellationToken.None)).Report;
            return (folder, report, progress.Warnings.ToArray());
        }
    }

    private sealed class RecordingProgress : IEvalProgress
    {
        public ConcurrentQueue<string> Warnings { get; } = new();

        public void StageStarted(string stage, int total)
        {
        }

        public void ItemCompleted(string stage, string item)
        {
        }

        public void StageCompleted(string stage)
        {
        }

        public void Warning(string message) => Warnings.Enqueue(message);
    }
}
