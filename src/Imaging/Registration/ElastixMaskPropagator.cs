using System.Diagnostics;
using System.Globalization;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Registration;

/// <summary>
/// Carries a support image's mask onto a query image (SAM-MPA): elastix registers the support (moving) onto the
/// query (fixed) with the configured parameter maps, then transformix warps the support mask with the final
/// transform using first-order (bilinear) interpolation, giving a soft mask in [0, 1] on the query's grid.
/// Thread-safe: every call works in its own work folder (<see cref="RegistrationWorkFolders"/>, mode 0700), which is
/// always deleted afterwards (unless <see cref="RegistrationOptions.KeepWorkFolders"/>).
/// </summary>
public sealed class ElastixMaskPropagator : IMaskPropagator
{
    private const int LogTailLines = 15;

    // The names elastix and transformix see, relative to the work folder they run in.
    private const string FixedImage = "fixed.mha";
    private const string MovingImage = "moving.mha";
    private const string MovingMask = "mask.mha";
    private const string ElastixFolder = "elastix";
    private const string TransformixFolder = "transformix";
    private const string MaskTransform = "MaskTransformParameters.txt";

    private readonly RegistrationOptions _options;
    private readonly Lazy<(string Elastix, string Transformix)> _tools;

    public ElastixMaskPropagator(RegistrationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"The registration timeout must be positive, not {options.Timeout}.");
        }

        _options = options;
        _tools = new Lazy<(string, string)>(
            () => (ElastixTools.ResolveOrThrow("elastix", options.ElastixPath, "--elastix"),
                   ElastixTools.ResolveOrThrow("transformix", options.TransformixPath, "--transformix")),
            LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public RegistrationOptions Options => _options;

    /// <inheritdoc />
    public async Task<PropagationResult> PropagateAsync(
        GrayImage query,
        GrayImage support,
        GrayImage supportMask,
        string queryName,
        string supportName,
        CancellationToken ct)
    {
        PropagationArguments.Check(query, support, supportMask, supportName);

        ct.ThrowIfCancellationRequested();
        var (elastix, transformix) = _tools.Value;
        ElastixTools.EnsureParameterFiles(_options);

        var started = Stopwatch.GetTimestamp();
        var work = RegistrationWorkFolders.Create(_options.ResolvedWorkRoot);
        try
        {
            // elastix and transformix run in the work folder and see only relative, space-free paths: elastix 5.0.1
            // fails (exit 254) on a work root with a space. The parameter maps are copied in for the same reason.
            MetaImage.Write(query, Path.Combine(work, FixedImage));
            MetaImage.Write(support, Path.Combine(work, MovingImage));
            MetaImage.Write(supportMask, Path.Combine(work, MovingMask));

            var elastixOut = Directory.CreateDirectory(Path.Combine(work, ElastixFolder)).FullName;
            var elastixArgs = new List<string>(8 + (2 * _options.ParameterFiles.Count))
            {
                "-f", FixedImage, "-m", MovingImage, "-out", ElastixFolder,
            };
            for (var i = 0; i < _options.ParameterFiles.Count; i++)
            {
                var map = string.Create(CultureInfo.InvariantCulture, $"p{i}.txt");
                File.Copy(_options.ParameterFiles[i], Path.Combine(work, map));
                elastixArgs.Add("-p");
                elastixArgs.Add(map);
            }

            elastixArgs.Add("-threads");
            elastixArgs.Add("1");
            await RunToolAsync("elastix", elastix, elastixArgs, work, elastixOut, queryName, supportName, ct).ConfigureAwait(false);

            var finalTransform = Path.Combine(
                elastixOut, string.Create(CultureInfo.InvariantCulture, $"TransformParameters.{_options.ParameterFiles.Count - 1}.txt"));
            if (!File.Exists(finalTransform))
            {
                throw Failure(queryName, supportName, $"elastix wrote no {Path.GetFileName(finalTransform)}", Path.Combine(elastixOut, "elastix.log"), null);
            }

            WriteMaskTransform(finalTransform, Path.Combine(elastixOut, MaskTransform));

            var transformixOut = Directory.CreateDirectory(Path.Combine(work, TransformixFolder)).FullName;
            string[] transformixArgs = ["-in", MovingMask, "-out", TransformixFolder, "-tp", $"{ElastixFolder}/{MaskTransform}", "-threads", "1"];
            await RunToolAsync("transformix", transformix, transformixArgs, work, transformixOut, queryName, supportName, ct).ConfigureAwait(false);

            var resultPath = Path.Combine(transformixOut, "result.mha");
            if (!File.Exists(resultPath))
            {
                throw Failure(queryName, supportName, "transformix wrote no result.mha", Path.Combine(transformixOut, "transformix.log"), null);
            }

            // transformix resamples onto the fixed image's grid: anything else is a damaged result, refused from its
            // header before its pixels are allocated.
            GrayImage soft;
            try
            {
                soft = MetaImage.Read(resultPath, (long)query.Width * query.Height);
            }
            catch (InvalidImageException e)
            {
                throw Failure(queryName, supportName, $"transformix's result is unusable ({e.Message})", Path.Combine(transformixOut, "transformix.log"), null);
            }

            if (soft.Width != query.Width || soft.Height != query.Height)
            {
                var size = $"{soft.Width}x{soft.Height}";
                soft.Dispose();
                throw Failure(queryName, supportName, $"transformix's result is {size}, not the query's {query.Width}x{query.Height}", Path.Combine(transformixOut, "transformix.log"), null);
            }

            ClampToUnit(soft.Pixels);
            return new PropagationResult(soft, Stopwatch.GetElapsedTime(started));
        }
        finally
        {
            if (!_options.KeepWorkFolders)
            {
                _ = RegistrationWorkFolders.TryDelete(work);
            }
        }
    }

    /// <summary>Copies the final transform with bilinear resampling and a float .mha result (paper eq. 6-7).</summary>
    internal static void WriteMaskTransform(string transformFile, string target)
    {
        var lines = File.ReadAllLines(transformFile);
        var replacements = new (string Key, string Line, bool Done)[]
        {
            ("(FinalBSplineInterpolationOrder ", "(FinalBSplineInterpolationOrder 1)", false),
            ("(ResultImagePixelType ", "(ResultImagePixelType \"float\")", false),
            ("(ResultImageFormat ", "(ResultImageFormat \"mha\")", false),
            ("(CompressResultImage ", "(CompressResultImage \"false\")", false),
        };
        var output = new List<string>(lines.Length + replacements.Length);
        foreach (var line in lines)
        {
            var trimmed = line.TrimStart();
            var replaced = false;
            for (var i = 0; i < replacements.Length; i++)
            {
                if (trimmed.StartsWith(replacements[i].Key, StringComparison.Ordinal))
                {
                    output.Add(replacements[i].Line);
                    replacements[i].Done = true;
                    replaced = true;
                    break;
                }
            }

            if (!replaced)
            {
                output.Add(line);
            }
        }

        foreach (var (_, line, done) in replacements)
        {
            if (!done)
            {
                output.Add(line);
            }
        }

        File.WriteAllLines(target, output);
    }

    internal static string LogTail(string logPath, int lines = LogTailLines)
    {
        try
        {
            if (!File.Exists(logPath))
            {
                return string.Empty;
            }

            var queue = new Queue<string>(lines + 1);
            foreach (var line in File.ReadLines(logPath))
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }

                queue.Enqueue(line.TrimEnd());
                if (queue.Count > lines)
                {
                    queue.Dequeue();
                }
            }

            return string.Join('\n', queue);
        }
        catch (IOException)
        {
            return string.Empty;
        }
        catch (UnauthorizedAccessException)
        {
            return string.Empty;
        }
    }

    private async Task RunToolAsync(
        string tool,
        string executable,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        string outputFolder,
        string queryName,
        string supportName,
        CancellationToken ct)
    {
        var outcome = await ToolProcess.RunAsync(executable, arguments, workingDirectory, _options.Timeout, ct).ConfigureAwait(false);
        var log = Path.Combine(outputFolder, tool + ".log");
        if (outcome.TimedOut)
        {
            throw Failure(
                queryName,
                supportName,
                string.Create(CultureInfo.InvariantCulture, $"{tool} timed out: it did not finish within the timeout of {_options.Timeout.TotalSeconds:0.###} s and was killed"),
                log,
                outcome.StandardErrorTail);
        }

        if (outcome.ExitCode != 0)
        {
            throw Failure(
                queryName,
                supportName,
                string.Create(CultureInfo.InvariantCulture, $"{tool} exited with code {outcome.ExitCode}"),
                log,
                outcome.StandardErrorTail);
        }
    }

    private static RegistrationException Failure(string queryName, string supportName, string what, string logPath, string? stderr)
    {
        var message = $"registering support '{supportName}' onto query '{queryName}' failed: {what}.";
        var tail = LogTail(logPath);
        if (tail.Length > 0)
        {
            message += $"\nLast lines of {Path.GetFileName(logPath)}:\n{tail}";
        }

        if (!string.IsNullOrWhiteSpace(stderr))
        {
            message += $"\nstderr:\n{stderr.Trim()}";
        }

        return new RegistrationException(message);
    }

    private static void ClampToUnit(Span<float> pixels)
    {
        for (var i = 0; i < pixels.Length; i++)
        {
            var v = pixels[i];
            pixels[i] = v >= 1f ? 1f : v > 0f ? v : 0f; // NaN -> 0
        }
    }
}
