using System.Diagnostics;
using SamMpa.Dicom.Web;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Dicom;

/// <summary>
/// The Orthanc (with its DICOMweb plugin) the DICOMweb tests talk to: the one scripts/test started, found by the
/// SAMMPA_ORTHANC_URL, _USER and _PASSWORD variables it exports; else one started here by scripts/orthanc on a free
/// loopback port and stopped after. Tests that need it are marked <see cref="OrthancFactAttribute"/>.
/// </summary>
public sealed class OrthancFixture : IAsyncLifetime
{
    public const string UrlVariable = "SAMMPA_ORTHANC_URL";

    private bool _startedHere;
    private string _port = "";

    public DicomWebOptions Options { get; private set; } = new();

    /// <summary>A client of the archive; each test disposes its own.</summary>
    public DicomWebClient NewClient() => new(Options);

    public async Task InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(UrlVariable) is { Length: > 0 } url)
        {
            Options = new DicomWebOptions
            {
                ServiceRoot = url,
                UserName = Environment.GetEnvironmentVariable("SAMMPA_ORTHANC_USER") ?? "",
                Password = Environment.GetEnvironmentVariable("SAMMPA_ORTHANC_PASSWORD") ?? "",
            };
            return;
        }

        if (!OrthancFactAttribute.OrthancInstalled)
        {
            throw new InvalidOperationException(
                $"Orthanc was expected (CI is set, so the DICOMweb tests do not skip) but {UrlVariable} is unset and Orthanc is not installed; scripts/test starts it (scripts/orthanc start).");
        }

        // An Orthanc scripts/orthanc started earlier (by hand) is used as it is and left running.
        if (await ScriptAsync("status", "") != 0)
        {
            _port = FreePorts.Take(1)[0].ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (await ScriptAsync("start", _port) != 0)
            {
                throw new InvalidOperationException($"scripts/orthanc start failed (port {_port}); its log is .tools/orthanc/orthanc.log");
            }

            _startedHere = true;
        }

        Options = ReadEnv(await ScriptOutputAsync("env"));
    }

    public async Task DisposeAsync()
    {
        if (_startedHere)
        {
            await ScriptAsync("stop", _port);
        }
    }

    private static DicomWebOptions ReadEnv(string output)
    {
        var values = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.StartsWith("export ", StringComparison.Ordinal) ? line[7..] : line)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1]);
        return new DicomWebOptions
        {
            ServiceRoot = values.GetValueOrDefault(UrlVariable) ?? throw new InvalidOperationException($"scripts/orthanc env printed no {UrlVariable}: {output}"),
            UserName = values.GetValueOrDefault("SAMMPA_ORTHANC_USER", ""),
            Password = values.GetValueOrDefault("SAMMPA_ORTHANC_PASSWORD", ""),
        };
    }

    private static async Task<int> ScriptAsync(string verb, string port)
    {
        using var process = Start(verb, port);
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode;
    }

    private static async Task<string> ScriptOutputAsync(string verb)
    {
        using var process = Start(verb, "");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"scripts/orthanc {verb} exited with {process.ExitCode}");
    }

    private static Process Start(string verb, string port)
    {
        var startInfo = new ProcessStartInfo("bash")
        {
            ArgumentList = { Path.Combine(RepositoryRoot.Path, "scripts", "orthanc"), verb },
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (port.Length > 0)
        {
            startInfo.Environment["ORTHANC_PORT"] = port;
        }

        return Process.Start(startInfo) ?? throw new InvalidOperationException("bash could not be started for scripts/orthanc");
    }
}

/// <summary>
/// A test that needs Orthanc and the DICOM toolkits: skipped with a sentence on a developer machine without them
/// (no SAMMPA_ORTHANC_URL and no Orthanc installed, or DCMTK/GDCM missing); never skipped when CI is set.
/// </summary>
public sealed class OrthancFactAttribute : FactAttribute
{
    public static bool OrthancInstalled =>
        File.Exists("/usr/sbin/Orthanc") && File.Exists("/usr/share/orthanc/plugins/libOrthancDicomWeb.so");

    public OrthancFactAttribute()
    {
        if (Azurite.IsExpected)
        {
            return;
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(OrthancFixture.UrlVariable)) && !OrthancInstalled)
        {
            Skip = "Orthanc is neither running for the tests (SAMMPA_ORTHANC_URL unset) nor installed (scripts/orthanc start installs and starts it; scripts/test does); skipped on this developer machine";
        }
        else if (DicomToolkit.Missing.Value.Count > 0)
        {
            Skip = DicomToolsFactAttribute.Unavailable;
        }
    }
}

/// <summary>
/// The test classes that talk to Orthanc share one fixture: with one each, a class that finished would stop the Orthanc
/// the other found running and is still using.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OrthancCollection : ICollectionFixture<OrthancFixture>
{
    public const string Name = "Orthanc";
}
