using System.Diagnostics;
using System.Net;
using System.Reflection;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Cluster.Processes;

/// <summary>
/// One silo as its own process: the product's SamMpa.Silo.dll (built with the tests), configured by environment
/// variables exactly as an operator would. Ready when its /health/ready answers 200 (Active in the cluster, storage answers).
/// </summary>
internal sealed class SiloProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly IReadOnlyDictionary<string, string> _environment;
    private Process? _process;

    public SiloProcess(string name, string role, string logFolder, IReadOnlyDictionary<string, string> clusterEnvironment)
    {
        Name = name;
        Role = role;
        Log = System.IO.Path.Combine(logFolder, name + ".log");
        var ports = FreePorts.Take(3);
        SiloPort = ports[0];
        HealthPort = ports[2];
        _environment = new Dictionary<string, string>(clusterEnvironment)
        {
            ["Orleans__Metadata__role"] = role,
            ["Orleans__SiloPort"] = $"{ports[0]}",
            ["Orleans__GatewayPort"] = $"{ports[1]}",
            ["Orleans__HealthPort"] = $"{HealthPort}",
            ["Orleans__MetricsPort"] = "0",
        };
    }

    /// <summary>The silo host the tests' build produced (a project reference that only orders the build).</summary>
    public static string Assembly { get; } =
        typeof(SiloProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SiloAssembly").Value!;

    public string Name { get; }

    public string Role { get; }

    public string Log { get; }

    /// <summary>The silo-to-silo port: what names this silo in a <see cref="Orleans.Runtime.SiloAddress"/>.</summary>
    public int SiloPort { get; }

    public int HealthPort { get; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the process (again, on the same ports) and waits until it is ready.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Assembly))
        {
            throw new InvalidOperationException($"The silo host {Assembly} is missing: build the solution (the tests reference src/Silo).");
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Assembly);
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }

        File.AppendAllText(Log, $"---- {Name} ({Role}) starting at {DateTimeOffset.UtcNow:O}\n");
        _process = Process.Start(start) ?? throw new InvalidOperationException($"dotnet {Assembly} did not start.");
        ProcessLogs.CopyTo(_process, Log);
        await WaitReadyAsync();
    }

    /// <summary>The silo dies without a word: SIGKILL, no shutdown, no goodbye to the membership table.</summary>
    public async Task KillAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running.");
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    /// <summary>The silo is stopped as an orchestrator stops it: SIGTERM, then the host's graceful shutdown.</summary>
    public async Task StopAsync()
    {
        var process = _process ?? throw new InvalidOperationException($"{Name} is not running.");
        if (!process.HasExited)
        {
            Signals.Terminate(process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await process.WaitForExitAsync(timeout.Token);
        }
    }

    public string LogTail() => ProcessLogs.Tail(Log);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private async Task WaitReadyAsync()
    {
        using var timeout = new CancellationTokenSource(ReadyTimeout);
        var url = $"http://127.0.0.1:{HealthPort}/health/ready";
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Silo {Name} ({Role}) exited with {_process.ExitCode} before it was ready; its log:\n{LogTail()}");
            }

            try
            {
                using var response = await Http.GetAsync(url, timeout.Token);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // The endpoint is not listening yet.
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"Silo {Name} ({Role}) was not ready within {ReadyTimeout}; its log:\n{LogTail()}");
            }

            // Readiness has no other signal than the endpoint: poll it.
            await Task.Delay(250, timeout.Token);
        }
    }
}
