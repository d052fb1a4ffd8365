using System.Collections.Concurrent;
using System.Diagnostics;

namespace SamMpa.Tests.Deployment;

/// <summary>
/// The chart in deploy/helm/sammpa and its renders. <c>scripts/test</c> lints the chart and renders it with the default
/// and the production values into <c>.tools/rendered/default.yaml</c> and <c>.tools/rendered/production.yaml</c>; a
/// test reads those files when they are at least as new as every file of the chart, and otherwise renders them itself
/// with <c>scripts/helm template</c> (which installs helm into .tools/helm from npm when missing), so <c>dotnet test</c>
/// alone works and never checks a stale render.
/// </summary>
internal static class HelmChart
{
    /// <summary>The release name of every render (scripts/test renders with the same one).</summary>
    public const string Release = "sammpa";

    public const string ChartPath = "deploy/helm/sammpa";

    public const string ProductionValues = ChartPath + "/values-production.yaml";

    // One render per argument list and test run; scripts/helm serialises its own install.
    private static readonly ConcurrentDictionary<string, Lazy<HelmResult>> Renders = new();

    /// <summary>The repository's root: the folder with SamMpa.Cluster.sln above the test assembly.</summary>
    public static string RepositoryRoot => Infrastructure.RepositoryRoot.Path;

    public static string ChartDirectory => Path.Combine(RepositoryRoot, ChartPath);

    /// <summary>
    /// True when the environment variable CI is set: Helm tests then never skip, so a CI run without helm (and
    /// without npm to install it) fails instead of passing with the chart unchecked.
    /// </summary>
    public static bool IsExpected => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Whether helm is installed in .tools/helm or npm is on PATH to install it.</summary>
    public static bool CanRender() =>
        File.Exists(Path.Combine(RepositoryRoot, ".tools", "helm", "helm")) || OnPath("npm");

    /// <summary>The manifests of the render with the default values.</summary>
    public static Manifests Default() => Named("default", []);

    /// <summary>The manifests of the render with values-production.yaml.</summary>
    public static Manifests Production() => Named("production", ["-f", ProductionValues]);

    public static Manifests Named(string name) => name switch
    {
        "default" => Default(),
        "production" => Production(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "default or production"),
    };

    /// <summary>Renders the chart with extra arguments (--set ...), failing the test when helm fails.</summary>
    public static Manifests Render(params string[] arguments)
    {
        var result = Template(arguments);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(Explain(result, arguments));
        }

        return Manifests.Parse(result.Output);
    }

    /// <summary>Runs <c>scripts/helm template RELEASE CHART ARGUMENTS</c> once per argument list and returns what it said.</summary>
    public static HelmResult Template(params string[] arguments)
    {
        string[] all = ["template", Release, ChartPath, .. arguments];
        return Renders.GetOrAdd(string.Join('\u0001', all), _ => new Lazy<HelmResult>(() => Run(all))).Value;
    }

    /// <summary>Renders with values the chart must refuse, and returns helm's complaint.</summary>
    public static string RenderError(params string[] arguments)
    {
        var result = Template(arguments);
        if (result.ExitCode == 0)
        {
            throw new InvalidOperationException($"'scripts/helm template ... {string.Join(' ', arguments)}' rendered, but the chart should have refused these values.");
        }

        // A helm that never ran (no npm to install it) is not the chart refusing the values.
        if (!File.Exists(Path.Combine(RepositoryRoot, ".tools", "helm", "helm")))
        {
            throw new InvalidOperationException(Explain(result, arguments));
        }

        return result.Error;
    }

    private static Manifests Named(string name, string[] arguments)
    {
        var file = Path.Combine(RepositoryRoot, ".tools", "rendered", name + ".yaml");
        return IsCurrent(file) ? Manifests.Parse(File.ReadAllText(file)) : Render(arguments);
    }

    /// <summary>A rendered file counts when no file of the chart changed after it was written.</summary>
    private static bool IsCurrent(string file)
    {
        if (!File.Exists(file))
        {
            return false;
        }

        var rendered = File.GetLastWriteTimeUtc(file);
        return Directory.EnumerateFiles(ChartDirectory, "*", SearchOption.AllDirectories)
            .All(f => File.GetLastWriteTimeUtc(f) <= rendered);
    }

    private static string Explain(HelmResult result, string[] arguments)
    {
        var command = $"scripts/helm template {Release} {ChartPath} {string.Join(' ', arguments)}".TrimEnd();
        var hint = CanRender()
            ? ""
            : " helm is not in .tools/helm and npm is not on PATH to install it (install Node.js and npm, then run scripts/helm version).";
        return $"'{command}' exited with {result.ExitCode}.{hint}\n{result.Error}";
    }

    private static HelmResult Run(string[] arguments)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(RepositoryRoot, "scripts", "helm"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new HelmResult(process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));
}

/// <summary>What <c>scripts/helm</c> printed and how it exited.</summary>
internal sealed record HelmResult(int ExitCode, string Output, string Error);

/// <summary>
/// A test that renders the Helm chart: skipped on a developer machine where helm is not installed and npm is missing
/// to install it; never skipped when the environment variable CI is set (it then fails, saying what is missing).
/// </summary>
public sealed class HelmFactAttribute : FactAttribute
{
    public const string Unavailable =
        "helm is not in .tools/helm and npm is not on PATH to install it (scripts/helm needs npm); skipped on this developer machine";

    public HelmFactAttribute()
    {
        if (!HelmAvailability.Value)
        {
            Skip = Unavailable;
        }
    }
}

/// <summary>The theory form of <see cref="HelmFactAttribute"/>.</summary>
public sealed class HelmTheoryAttribute : TheoryAttribute
{
    public HelmTheoryAttribute()
    {
        if (!HelmAvailability.Value)
        {
            Skip = HelmFactAttribute.Unavailable;
        }
    }
}

internal static class HelmAvailability
{
    // One look per test run. Without the repository around the test assembly nothing can render: the tests then run
    // (with CI) or skip, and the ones that run say why they fail.
    private static readonly Lazy<bool> Available = new(() =>
    {
        try
        {
            return HelmChart.IsExpected || HelmChart.CanRender();
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    });

    public static bool Value => Available.Value;
}
