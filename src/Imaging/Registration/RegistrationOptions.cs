namespace SamMpa.Imaging.Registration;

/// <summary>
/// How support masks are carried onto query images with elastix/transformix. Settable from configuration
/// (all properties have public setters and defaults); records compare by value, lists by reference.
/// </summary>
public sealed record RegistrationOptions
{
    /// <summary>Folder (under the application base) holding the bundled parameter maps.</summary>
    public const string BundledParameterFolder = "Registration/Parameters";

    /// <summary>The bundled B-spline map (3 resolutions), resolved from <see cref="AppContext.BaseDirectory"/>.</summary>
    public static string BundledBSplineParameterFile => BundledParameterFile("bspline.txt");

    /// <summary>The bundled affine map, the first stage before the B-spline map.</summary>
    public static string BundledAffineParameterFile => BundledParameterFile("affine.txt");

    /// <summary>What carries the masks: elastix (default) or the <see cref="RegistrationEngine.Identity"/> stand-in.</summary>
    public RegistrationEngine Engine { get; set; } = RegistrationEngine.Elastix;

    /// <summary>Elastix parameter files, applied in order. Default: the bundled affine map, then the bundled B-spline map.</summary>
    public IReadOnlyList<string> ParameterFiles { get; set; } = [BundledAffineParameterFile, BundledBSplineParameterFile];

    /// <summary>Limit for one elastix or transformix run.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>How many registrations callers should run at once (each runs elastix with one thread).</summary>
    public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;

    /// <summary>elastix executable: a name looked up on PATH or a path.</summary>
    public string ElastixPath { get; set; } = "elastix";

    /// <summary>transformix executable: a name looked up on PATH or a path.</summary>
    public string TransformixPath { get; set; } = "transformix";

    /// <summary>Where per-registration work folders are created; null means <see cref="Path.GetTempPath"/>.</summary>
    public string? WorkRoot { get; set; }

    /// <summary>
    /// Debugging: keep each work folder (images, logs, transforms) instead of deleting it (until a silo's start sweeps
    /// it, <see cref="StaleWorkFolderAge"/>).
    /// </summary>
    public bool KeepWorkFolders { get; set; }

    /// <summary>At a silo's start, work folders under the work root last written longer ago than this are deleted.</summary>
    public TimeSpan StaleWorkFolderAge { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The folder work folders are created in: <see cref="WorkRoot"/>, or the temporary folder.</summary>
    public string ResolvedWorkRoot => string.IsNullOrWhiteSpace(WorkRoot) ? Path.GetTempPath() : WorkRoot;

    private static string BundledParameterFile(string name) =>
        Path.Combine(AppContext.BaseDirectory, "Registration", "Parameters", name);
}
