using SamMpa.Imaging.Registration;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The DICOM toolkits the DICOM tests make their data with and the reader decompresses with: DCMTK (dcmtk) and GDCM
/// (libgdcm-tools), which scripts/ensure-tools installs. Tests that need them are marked <see cref="DicomToolsFactAttribute"/>.
/// </summary>
internal static class DicomToolkit
{
    public static readonly string[] Commands =
    [
        "dcmconv", "dcmodify", "img2dcm", "dcmcjpeg", "dcmdjpeg", "dcmcrle", "dcmdrle", "dcmcjpls", "dcmdjpls", "gdcmconv", "gdcmimg",
    ];

    /// <summary>The commands not found on PATH; empty when all are there.</summary>
    public static readonly Lazy<IReadOnlyList<string>> Missing = new(() => Commands.Where(command => !OnPath(command)).ToList());

    /// <summary>Runs a toolkit command to completion in <paramref name="folder"/>; a failure throws with its stderr.</summary>
    public static async Task RunAsync(string folder, string command, params string[] arguments)
    {
        ToolProcess.Outcome outcome;
        try
        {
            outcome = await ToolProcess.RunAsync(command, arguments, folder, TimeSpan.FromMinutes(1), CancellationToken.None);
        }
        catch (RegistrationToolMissingException e)
        {
            throw new InvalidOperationException(
                $"The DICOM toolkit command '{command}' was expected (CI is set, so the DICOM tests do not skip) but could not be started; scripts/ensure-tools installs dcmtk and libgdcm-tools.", e);
        }

        if (outcome.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{command} {string.Join(' ', arguments)} failed (exit code {outcome.ExitCode}{(outcome.TimedOut ? ", timed out" : "")}): {outcome.StandardErrorTail}");
        }
    }

    private static bool OnPath(string command) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(dir => File.Exists(Path.Combine(dir, command)));
}

/// <summary>
/// A test that needs DCMTK and GDCM: skipped, naming what is missing, on a developer machine without them; never
/// skipped when the environment variable CI is set (a run without the toolkits then fails instead of passing with
/// the DICOM tests left out), as the Azure tests do with Azurite.
/// </summary>
public sealed class DicomToolsFactAttribute : FactAttribute
{
    public DicomToolsFactAttribute()
    {
        if (DicomToolkit.Missing.Value.Count > 0 && !Azurite.IsExpected)
        {
            Skip = Unavailable;
        }
    }

    internal static string Unavailable =>
        $"DICOM toolkit command(s) {string.Join(", ", DicomToolkit.Missing.Value)} not on PATH (scripts/ensure-tools installs dcmtk and libgdcm-tools); skipped on this developer machine";
}

/// <summary>The theory form of <see cref="DicomToolsFactAttribute"/>.</summary>
public sealed class DicomToolsTheoryAttribute : TheoryAttribute
{
    public DicomToolsTheoryAttribute()
    {
        if (DicomToolkit.Missing.Value.Count > 0 && !Azurite.IsExpected)
        {
            Skip = DicomToolsFactAttribute.Unavailable;
        }
    }
}
