using System.Text.RegularExpressions;
using SamMpa.Imaging.Registration;

namespace SamMpa.Tests.Registration;

/// <summary>
/// The bundled affine and B-spline maps with <see cref="Iterations"/> optimiser iterations per resolution instead of
/// the bundled 256, for the cluster tests: they run hundreds of registrations of 64-pixel phantoms, which need no more,
/// and each takes about a third of the time. Derived from the bundled files at first use, so they follow any change to
/// them; the tests of registration itself keep the bundled maps.
/// </summary>
internal static partial class QuickRegistrationMaps
{
    public const int Iterations = 64;

    private static readonly Lazy<IReadOnlyList<string>> Files = new(Write);

    /// <summary>The quick affine map, then the quick B-spline map (paths any process on this machine can read).</summary>
    public static IReadOnlyList<string> ParameterFiles => Files.Value;

    public static RegistrationOptions Options => new() { ParameterFiles = ParameterFiles };

    /// <summary>The silo settings ("Registration:ParameterFiles:n") that select the quick maps.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
        ParameterFiles.Select((file, i) => KeyValuePair.Create($"Registration:ParameterFiles:{i}", (string?)file));

    private static IReadOnlyList<string> Write()
    {
        var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "quick-registration-maps")).FullName;
        return new RegistrationOptions().ParameterFiles.Select(bundled =>
        {
            var text = File.ReadAllText(bundled);
            if (!IterationsLine().IsMatch(text))
            {
                throw new InvalidOperationException($"expected a MaximumNumberOfIterations line in the bundled map {bundled}");
            }

            var quick = Path.Combine(folder, Path.GetFileName(bundled));
            var temporary = $"{quick}.{Guid.NewGuid():N}";
            File.WriteAllText(temporary, IterationsLine().Replace(text, $"(MaximumNumberOfIterations {Iterations})"));
            File.Move(temporary, quick, overwrite: true);
            return quick;
        }).ToList();
    }

    [GeneratedRegex(@"\(MaximumNumberOfIterations [0-9 ]+\)")]
    private static partial Regex IterationsLine();
}
