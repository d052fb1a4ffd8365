using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SamMpa.Client.Cluster;
using SamMpa.Client.Console;
using SamMpa.Imaging.Evaluation;

namespace SamMpa.Tests.Client;

/// <summary>The logs of a host inside a command reach the command's progress as warnings, filtered as the embedded silo's are.</summary>
public sealed class CommandHostLoggingTests
{
    [Fact]
    public void Warnings_go_to_the_progress_and_Orleans_only_from_Error()
    {
        var progress = new RecordingProgress();
        var builder = CommandHost.CreateBuilder(new ConfigurationBuilder().Build(), new ProgressLoggerProvider(progress), LogLevel.Warning, frameworkMinimum: LogLevel.Error);
        using var host = builder.Build();
        var loggers = host.Services.GetRequiredService<ILoggerFactory>();

        loggers.CreateLogger("SamMpa.Grains.Datasets.DatasetGrain").LogWarning("case_01.png attempt 2 failed; retrying");
        loggers.CreateLogger("SamMpa.Grains.Datasets.DatasetGrain").LogInformation("run started");
        loggers.CreateLogger("Orleans.Runtime.Silo").LogWarning("start-up chatter");
        loggers.CreateLogger("Orleans.Runtime.Catalog").LogError(new InvalidOperationException("boom"), "activation failed");

        Assert.Equal(
            ["DatasetGrain: case_01.png attempt 2 failed; retrying", "error in Catalog: activation failed (InvalidOperationException: boom)"],
            progress.Warnings);
    }

    [Fact]
    public void Plain_progress_prints_a_warning_as_a_line_of_its_own_between_progress_lines()
    {
        var output = new StringWriter();
        var progress = new PlainProgress(output);

        progress.StageStarted("segment", 2);
        progress.ItemCompleted("segment", "a.png");
        progress.Warning("no annotation found for 1 supports: b.png");
        progress.ItemCompleted("segment", "b.png");
        progress.StageCompleted("segment");

        var lines = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("segment: 2 to do", lines[0]);
        Assert.Contains("warning: no annotation found for 1 supports: b.png", lines);
        Assert.StartsWith("segment: 2/2 done in ", lines[^1], StringComparison.Ordinal);
    }

    private sealed class RecordingProgress : IEvalProgress
    {
        private readonly ConcurrentQueue<string> _warnings = new();

        public IReadOnlyList<string> Warnings => _warnings.ToArray();

        public void StageStarted(string stage, int total)
        {
        }

        public void ItemCompleted(string stage, string item)
        {
        }

        public void StageCompleted(string stage)
        {
        }

        public void Warning(string message) => _warnings.Enqueue(message);
    }
}
