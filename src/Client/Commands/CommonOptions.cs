using System.CommandLine;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Registration;

namespace SamMpa.Client.Commands;

/// <summary>Options shared by the commands that read a labelled folder and run registrations.</summary>
internal static class CommonOptions
{
    public static Option<DirectoryInfo> Images() => new("--images")
    {
        Description = "Folder of images (PNG 8/16-bit, JPEG, BMP, and DICOM: .dcm files or files with the DICM preamble, one image per frame).",
        Required = true,
    };

    public static Option<DirectoryInfo> Masks() => new("--masks")
    {
        Description = "Folder of ground-truth masks with the same file names (nonzero = target).",
        Required = true,
    };

    public static Option<int> Parallelism() => new("--parallel")
    {
        Description = "Registrations run at once, each elastix on one thread (default: the number of cores).",
        DefaultValueFactory = _ => Environment.ProcessorCount,
    };

    public static Option<FileInfo[]> ParameterFiles() => new("--elastix-params")
    {
        Description = "elastix parameter files applied in order (default: the bundled affine map, then the B-spline map, 3 resolutions each).",
        AllowMultipleArgumentsPerToken = true,
    };

    public static Option<int> RegistrationTimeout() => new("--registration-timeout")
    {
        Description = "Seconds one registration may take before it is stopped and reported.",
        DefaultValueFactory = _ => 120,
    };

    public static Option<string> Elastix() => new("--elastix")
    {
        Description = "The elastix executable (name on PATH or a path); transformix is looked up beside it.",
        DefaultValueFactory = _ => "elastix",
    };

    public static RegistrationOptions ToRegistrationOptions(
        int parallelism, FileInfo[]? parameterFiles, int timeoutSeconds, string elastix)
    {
        var defaults = new RegistrationOptions();
        var transformix = elastix.Contains('/', StringComparison.Ordinal)
            ? Path.Combine(Path.GetDirectoryName(elastix) ?? ".", "transformix")
            : "transformix";
        return defaults with
        {
            MaxDegreeOfParallelism = Math.Max(1, parallelism),
            ParameterFiles = parameterFiles is { Length: > 0 } ? parameterFiles.Select(f => f.FullName).ToArray() : defaults.ParameterFiles,
            Timeout = TimeSpan.FromSeconds(timeoutSeconds),
            ElastixPath = elastix,
            TransformixPath = transformix,
        };
    }

    public static string DefaultCacheDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var root = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(root, "sammpa", "embeddings");
    }

    public static Device ParseDevice(string text) => text.ToLowerInvariant() switch
    {
        "cpu" => Device.Cpu,
        "cuda" => Device.Cuda,
        _ => throw new ArgumentException($"Unknown --device '{text}'; use cpu or cuda."),
    };
}
