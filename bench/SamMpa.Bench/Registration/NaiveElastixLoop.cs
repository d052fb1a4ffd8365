using System.Diagnostics;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;

namespace SamMpa.Bench.Registration;

/// <summary>
/// The loop a user would write around elastix, one pair at a time: write the three .mha files, run elastix with the
/// same parameter maps, set the final transform to bilinear for the mask, run transformix, read the result. The
/// baseline the registration stage is compared with. <paramref name="singleThreaded"/> passes -threads 1 as the stage
/// does; without it elastix uses its own default (every core).
/// </summary>
public sealed class NaiveElastixLoop(IReadOnlyList<string> parameterFiles, bool singleThreaded)
{
    /// <summary>Wall seconds for all the pairs.</summary>
    public async Task<double> RunAsync(IReadOnlyList<RegistrationPair> pairs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var clock = Stopwatch.StartNew();
        foreach (var pair in pairs)
        {
            using var soft = await RegisterAsync(pair, cancellationToken);
        }

        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Wall seconds for all the pairs with <paramref name="copies"/> loops side by side, each over its share (pair i to
    /// loop i mod copies): the most this machine gives when every core runs elastix, with no orchestration at all.
    /// </summary>
    public async Task<double> RunSideBySideAsync(IReadOnlyList<RegistrationPair> pairs, int copies, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(copies);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, copies).Select(copy => Task.Run(
            () => RunAsync(pairs.Where((_, i) => i % copies == copy).ToArray(), cancellationToken), cancellationToken)));
        return clock.Elapsed.TotalSeconds;
    }

    private async Task<GrayImage> RegisterAsync(RegistrationPair pair, CancellationToken cancellationToken)
    {
        var work = Directory.CreateTempSubdirectory("sammpa-naive-").FullName;
        try
        {
            var fixedImage = Path.Combine(work, "fixed.mha");
            var moving = Path.Combine(work, "moving.mha");
            var mask = Path.Combine(work, "mask.mha");
            MetaImage.Write(pair.Query, fixedImage);
            MetaImage.Write(pair.Support, moving);
            MetaImage.Write(pair.SupportMask, mask);

            var elastixArguments = new List<string> { "-f", fixedImage, "-m", moving, "-out", work };
            foreach (var file in parameterFiles)
            {
                elastixArguments.AddRange(["-p", file]);
            }

            await RunAsync("elastix", elastixArguments, cancellationToken);
            var transform = Path.Combine(work, $"TransformParameters.{parameterFiles.Count - 1}.txt");
            var maskTransform = Path.Combine(work, "mask-transform.txt");
            var text = await File.ReadAllTextAsync(transform, cancellationToken);
            await File.WriteAllTextAsync(maskTransform, text.Replace("(FinalBSplineInterpolationOrder 3)", "(FinalBSplineInterpolationOrder 1)", StringComparison.Ordinal), cancellationToken);
            await RunAsync("transformix", ["-in", mask, "-out", work, "-tp", maskTransform], cancellationToken);
            return MetaImage.Read(Path.Combine(work, "result.mha"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private async Task RunAsync(string tool, List<string> arguments, CancellationToken cancellationToken)
    {
        if (singleThreaded)
        {
            arguments.AddRange(["-threads", "1"]);
        }

        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{tool} did not start.");
        // elastix writes its whole log to stdout: read it, or the pipe fills and the process blocks.
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        await output;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with code {process.ExitCode}: {(await errors).Trim()}");
        }
    }
}
