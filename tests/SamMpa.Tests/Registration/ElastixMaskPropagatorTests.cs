using System.Globalization;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Phantoms;
using SamMpa.Imaging.Registration;
using Xunit.Abstractions;

namespace SamMpa.Tests.Registration;

/// <summary>End-to-end tests against the installed elastix/transformix (Debian package 'elastix').</summary>
public sealed class ElastixMaskPropagatorTests : IDisposable
{
    private const int Size = 128;

    private readonly ITestOutputHelper _output;
    private readonly string _workRoot = Directory.CreateTempSubdirectory("sammpa-reg-tests-").FullName;

    public ElastixMaskPropagatorTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => Directory.Delete(_workRoot, recursive: true);

    [Fact]
    public void BundledParameterFilesAreCopiedToTheOutput()
    {
        var options = new RegistrationOptions();

        Assert.Equal([RegistrationOptions.BundledAffineParameterFile, RegistrationOptions.BundledBSplineParameterFile], options.ParameterFiles);
        Assert.All(options.ParameterFiles, file => Assert.True(File.Exists(file), $"expected the bundled parameter file {file}"));
        var text = File.ReadAllText(RegistrationOptions.BundledBSplineParameterFile);
        Assert.Contains("(NumberOfResolutions 3)", text, StringComparison.Ordinal);
        Assert.Contains("(Transform \"BSplineTransform\")", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PropagationBeatsCopyingTheSupportMask()
    {
        ElastixTools.EnsureAvailable(Options());
        var propagator = new ElastixMaskPropagator(Options());
        int[] anatomies = [11, 12, 13, 14];
        var copied = new double[anatomies.Length];
        var propagated = new double[anatomies.Length];

        await Parallel.ForAsync(0, anatomies.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, async (i, ct) =>
        {
            var (supportImage, supportMask) = Phantoms.CreateDeformed(Size, anatomies[i], deformationSeed: 1);
            var (queryImage, queryMask) = Phantoms.CreateDeformed(Size, anatomies[i], deformationSeed: 2);
            using (supportImage)
            using (supportMask)
            using (queryImage)
            using (queryMask)
            {
                var result = await propagator.PropagateAsync(queryImage, supportImage, supportMask, $"query{i}", $"support{i}", ct);
                using var soft = result.SoftMask;
                Assert.Equal(Size, soft.Width);
                Assert.Equal(Size, soft.Height);
                Assert.True(soft.Pixels.ToArray().All(v => v is >= 0f and <= 1f));
                copied[i] = SegmentationMetrics.Compare(supportMask.Pixels, queryMask.Pixels).Dice;
                propagated[i] = SegmentationMetrics.Compare(soft.Pixels, queryMask.Pixels).Dice;
            }
        });

        for (var i = 0; i < anatomies.Length; i++)
        {
            _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"anatomy {anatomies[i]}: Dice copied {copied[i]:F3}, propagated {propagated[i]:F3}"));
        }

        var gain = propagated.Average() - copied.Average();
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mean copied {copied.Average():F3}, mean propagated {propagated.Average():F3}, gain {gain:F3}"));
        Assert.All(propagated, dice => Assert.True(dice >= 0.9, $"propagated Dice {dice:F3} < 0.9"));
        Assert.True(gain >= 0.15, $"mean Dice gain {gain:F3} < 0.15");
        Assert.Empty(Directory.EnumerateFileSystemEntries(_workRoot));
    }

    [Fact]
    public void MissingElastixIsReportedClearly()
    {
        var options = Options() with { ElastixPath = "/nonexistent/elastix" };

        var error = Assert.Throws<RegistrationToolMissingException>(() => ElastixTools.EnsureAvailable(options));

        Assert.Contains("elastix", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/elastix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ElastixMissingFromPathIsReportedClearly()
    {
        var options = Options() with { ElastixPath = "elastix-that-does-not-exist" };

        var error = Assert.Throws<RegistrationToolMissingException>(() => ElastixTools.EnsureAvailable(options));

        Assert.Contains("elastix", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingParameterFileIsNamed()
    {
        var missing = Path.Combine(_workRoot, "no-such-map.txt");
        var options = Options() with { ParameterFiles = [missing] };

        var error = Assert.Throws<FileNotFoundException>(() => ElastixTools.EnsureAvailable(options));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FailingElastixReportsBothImagesAndTheLogAndCleansUp()
    {
        var parameters = Path.Combine(Directory.CreateTempSubdirectory("sammpa-params-").FullName, "broken.txt");
        try
        {
            var text = File.ReadAllText(RegistrationOptions.BundledBSplineParameterFile)
                .Replace("(Transform \"BSplineTransform\")", "(Transform \"NoSuchTransform\")", StringComparison.Ordinal);
            File.WriteAllText(parameters, text);
            var propagator = new ElastixMaskPropagator(Options() with { ParameterFiles = [parameters] });

            var error = await PropagationErrorAsync(propagator, size: 64, seed: 3, "query-A.png", "support-B.png");

            Assert.Contains("query-A.png", error.Message, StringComparison.Ordinal);
            Assert.Contains("support-B.png", error.Message, StringComparison.Ordinal);
            Assert.Contains("elastix exited with code", error.Message, StringComparison.Ordinal);
            Assert.Contains("elastix.log", error.Message, StringComparison.Ordinal);
            Assert.Contains("NoSuchTransform", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(parameters)!, recursive: true);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(_workRoot));
    }

    [Fact]
    public async Task HangingElastixTimesOutAndCleansUp()
    {
        var fake = FakeElastix();
        var propagator = new ElastixMaskPropagator(Options() with { ElastixPath = fake, Timeout = TimeSpan.FromSeconds(1) });

        var error = await PropagationErrorAsync(propagator, size: 32, seed: 4, "q.png", "s.png");

        Assert.Contains("timeout", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("q.png", error.Message, StringComparison.Ordinal);
        Assert.Contains("s.png", error.Message, StringComparison.Ordinal);

        Assert.Equal([Path.GetFileName(fake)], Directory.EnumerateFileSystemEntries(_workRoot).Select(Path.GetFileName));
    }

    [Fact]
    public async Task CancellationKillsElastixAndCleansUp()
    {
        var fake = FakeElastix();
        var propagator = new ElastixMaskPropagator(Options() with { ElastixPath = fake });
        var (image, mask) = Phantoms.Create(32, 5);
        using (image)
        using (mask)
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(
                () => propagator.PropagateAsync(image, image, mask, "q.png", "s.png", cancel.Token));
        }

        Assert.Equal([Path.GetFileName(fake)], Directory.EnumerateFileSystemEntries(_workRoot).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_work_root_and_parameter_files_with_spaces_in_their_paths_register()
    {
        // elastix 5.0.1 exits with 254 when it is given a path with a space: it must only see relative names.
        var spaced = Directory.CreateDirectory(Path.Combine(_workRoot, "work root with spaces")).FullName;
        var maps = Directory.CreateDirectory(Path.Combine(_workRoot, "my maps")).FullName;
        var bspline = Path.Combine(maps, "b spline.txt");
        File.Copy(RegistrationOptions.BundledBSplineParameterFile, bspline);
        var options = Options() with { WorkRoot = spaced, ParameterFiles = [RegistrationOptions.BundledAffineParameterFile, bspline] };
        ElastixTools.EnsureAvailable(options);
        var propagator = new ElastixMaskPropagator(options);
        var (support, supportMask) = Phantoms.CreateDeformed(64, 12, deformationSeed: 1);
        var (query, queryMask) = Phantoms.CreateDeformed(64, 12, deformationSeed: 2);
        using (support)
        using (supportMask)
        using (query)
        using (queryMask)
        {
            var result = await propagator.PropagateAsync(query, support, supportMask, "query.png", "support.png", CancellationToken.None);

            using var soft = result.SoftMask;
            Assert.Equal(64, soft.Width);
            Assert.Equal(64, soft.Height);
            Assert.True(SegmentationMetrics.Compare(soft.Pixels, queryMask.Pixels).Dice > 0.5);
        }

        Assert.Empty(Directory.EnumerateFileSystemEntries(spaced));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Cancelling_a_registration_kills_elastix_and_its_children_and_deletes_its_owner_only_work_folder()
    {
        using var tool = new HangingTool(_workRoot);
        var propagator = new ElastixMaskPropagator(Options() with { ElastixPath = tool.Path, Timeout = TimeSpan.FromMinutes(10) });
        var (image, mask) = Phantoms.Create(32, 6);
        using (image)
        using (mask)
        using (var cancel = new CancellationTokenSource())
        {
            var registering = propagator.PropagateAsync(image, image, mask, "q.png", "s.png", cancel.Token);
            await tool.RunningAsync(registering);

            var work = Assert.Single(Directory.GetDirectories(_workRoot, RegistrationWorkFolders.Prefix + "*"));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(work));
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => registering);
            await tool.GoneAsync(); // the fake elastix and its sleeping child have both exited
        }

        Assert.Empty(Directory.GetDirectories(_workRoot, RegistrationWorkFolders.Prefix + "*"));
    }

    [Fact]
    public void MaskTransformUsesBilinearFloatMha()
    {
        var source = Path.Combine(_workRoot, "TransformParameters.0.txt");
        var target = Path.Combine(_workRoot, "mask.txt");
        File.WriteAllLines(source, ["(Transform \"BSplineTransform\")", "(FinalBSplineInterpolationOrder 3)", "(ResultImageFormat \"nii\")"]);

        ElastixMaskPropagator.WriteMaskTransform(source, target);

        var lines = File.ReadAllLines(target);
        Assert.Contains("(FinalBSplineInterpolationOrder 1)", lines);
        Assert.Contains("(ResultImageFormat \"mha\")", lines);
        Assert.Contains("(ResultImagePixelType \"float\")", lines);
        Assert.Contains("(Transform \"BSplineTransform\")", lines);
        Assert.DoesNotContain("(FinalBSplineInterpolationOrder 3)", lines);
    }

    private RegistrationOptions Options() => new() { WorkRoot = _workRoot, MaxDegreeOfParallelism = 2 };

    /// <summary>A stand-in 'elastix' that hangs (a shell script running a long sleep as a child process).</summary>
    private string FakeElastix()
    {
        var path = Path.Combine(_workRoot, "fake-elastix");
        File.WriteAllText(path, "#!/bin/sh\nsleep 300\n");
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The fake elastix is a POSIX shell script.");
        }

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    /// <summary>Registers a phantom to itself through <paramref name="propagator"/>, which must fail; logs and returns its error.</summary>
    private async Task<RegistrationException> PropagationErrorAsync(ElastixMaskPropagator propagator, int size, int seed, string query, string support)
    {
        var (image, mask) = Phantoms.Create(size, seed);
        using (image)
        using (mask)
        {
            var error = await Assert.ThrowsAsync<RegistrationException>(
                () => propagator.PropagateAsync(image, image, mask, query, support, CancellationToken.None));
            _output.WriteLine(error.Message);
            return error;
        }
    }
}
