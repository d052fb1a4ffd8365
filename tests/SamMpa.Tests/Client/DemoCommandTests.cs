using System.Text.Json;
using SamMpa.Client.Commands;
using SamMpa.Imaging.Phantoms;

namespace SamMpa.Tests.Client;

/// <summary>`sammpa demo` end to end on its embedded silo: phantoms, select, annotate, run, overlays.</summary>
public sealed class DemoCommandTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("sammpa-demo-out-").FullName;
    private readonly string _home = Directory.CreateTempSubdirectory("sammpa-demo-home-").FullName;

    public void Dispose()
    {
        Directory.Delete(_output, recursive: true);
        Directory.Delete(_home, recursive: true);
    }

    [Fact]
    public async Task Demo_segments_the_generated_phantoms_and_draws_an_overlay_per_query()
    {
        // The command reports errors on standard error: keep it for the failure message.
        var errors = new StringWriter();
        var standardError = System.Console.Error;
        int exit;
        System.Console.SetError(TextWriter.Synchronized(errors));
        try
        {
            exit = await SammpaCommandLine.Build()
                .Parse(["demo", "--out", _output, "--images", "6", "--shots", "2", "--home", _home])
                .InvokeAsync();
        }
        finally
        {
            System.Console.SetError(standardError);
        }

        Assert.True(exit == ExitCodes.Success, $"sammpa demo exited with {exit}; its standard error:\n{LastLines(errors.ToString(), 20)}");
        Assert.True(File.Exists(Path.Combine(_output, "per_image.csv")), "expected per_image.csv in the output folder");
        var summaryPath = Path.Combine(_output, "summary.json");
        Assert.True(File.Exists(summaryPath), "expected summary.json in the output folder");

        using var summary = JsonDocument.Parse(await File.ReadAllTextAsync(summaryPath));
        var run = Assert.Single(summary.RootElement.GetProperty("runs").EnumerateArray());
        var supports = run.GetProperty("supports").EnumerateArray().Select(s => s.GetString()!).ToHashSet(StringComparer.Ordinal);
        var queries = Enumerable.Range(0, 6).Select(PhantomDataset.Name).Where(n => !supports.Contains(n)).ToArray();
        Assert.Equal(4, queries.Length);
        var overlays = Path.Combine(_output, "overlays");
        Assert.Equal(queries, Directory.GetFiles(overlays).Select(Path.GetFileName).Order(StringComparer.Ordinal));

        var dice = run.GetProperty("dice_mean").GetDouble();
        Assert.True(dice > 0.5, $"the phantoms register well, so the mean coarse Dice should be above 0.5, but it is {dice:F4} (supports {string.Join(", ", supports)}; see {Path.Combine(_output, "per_image.csv")})");
    }

    private static string LastLines(string text, int count) =>
        string.Join('\n', text.Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(count));
}
