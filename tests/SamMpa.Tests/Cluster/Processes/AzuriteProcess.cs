using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Cluster.Processes;

/// <summary>
/// An Azurite of the test's own (free ports, its own data folder), so a test can take storage away and give it back
/// without touching the Azurite other tests use. The binary is the one <c>scripts/azurite start</c> installs.
/// </summary>
internal sealed class AzuriteProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly string _location;
    private readonly string _log;
    private Process? _process;

    public AzuriteProcess(string folder)
    {
        _location = Directory.CreateDirectory(System.IO.Path.Combine(folder, "azurite")).FullName;
        _log = System.IO.Path.Combine(folder, "azurite.log");
        var ports = FreePorts.Take(3);
        (BlobPort, QueuePort, TablePort) = (ports[0], ports[1], ports[2]);
    }

    public static string Executable => System.IO.Path.Combine(RepositoryRoot.Path, ".tools", "azurite", "node_modules", ".bin", "azurite");

    public static bool IsInstalled => File.Exists(Executable);

    public string DataFolder => _location;

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString =>
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        $"BlobEndpoint=http://127.0.0.1:{BlobPort}/devstoreaccount1;" +
        $"QueueEndpoint=http://127.0.0.1:{QueuePort}/devstoreaccount1;" +
        $"TableEndpoint=http://127.0.0.1:{TablePort}/devstoreaccount1;";

    /// <summary>Starts Azurite (again, on the same ports and data) and returns once all three ports accept connections.</summary>
    public async Task StartAsync()
    {
        if (!IsInstalled)
        {
            throw new InvalidOperationException($"Azurite is not installed at {Executable}: run scripts/azurite start once (it installs it).");
        }

        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--skipApiVersionCheck", "--disableTelemetry", "--silent", "--location", _location,
            "--blobHost", "127.0.0.1", "--queueHost", "127.0.0.1", "--tableHost", "127.0.0.1",
            "--blobPort", $"{BlobPort}", "--queuePort", $"{QueuePort}", "--tablePort", $"{TablePort}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        _process = Process.Start(start) ?? throw new InvalidOperationException($"{Executable} did not start.");
        ProcessLogs.CopyTo(_process, _log);
        using var timeout = new CancellationTokenSource(StartTimeout);
        foreach (var port in new[] { BlobPort, QueuePort, TablePort })
        {
            await WaitListeningAsync(port, timeout.Token);
        }
    }

    /// <summary>Storage goes away: Azurite is stopped (SIGTERM, so it writes its data down) and the ports refuse connections.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Signals.Terminate(process.Id);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await process.WaitForExitAsync(timeout.Token);
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
    }

    private async Task WaitListeningAsync(int port, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_process!.HasExited)
            {
                throw new InvalidOperationException($"Azurite exited ({_process.ExitCode}) before it listened on {port}; log: {ProcessLogs.Tail(_log)}");
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port, cancellationToken);
                return;
            }
            catch (SocketException)
            {
                // Not yet listening: the start is the event we wait on, and it has no other signal than the port.
                await Task.Delay(200, cancellationToken);
            }
        }
    }
}
