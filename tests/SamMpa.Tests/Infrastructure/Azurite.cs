using System.Net;
using System.Net.Sockets;

namespace SamMpa.Tests.Infrastructure;

/// <summary>
/// Azurite, the Azure Storage emulator (blob 10000, queue 10001, table 10002 on 127.0.0.1), which
/// <c>scripts/azurite start</c> runs. Tests that need it are marked <see cref="AzuriteFactAttribute"/>.
/// </summary>
internal static class Azurite
{
    /// <summary>Azurite's well-known development account (the key is Azurite's published one, not a secret).</summary>
    public const string ConnectionString =
        "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
        "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
        "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" +
        "QueueEndpoint=http://127.0.0.1:10001/devstoreaccount1;" +
        "TableEndpoint=http://127.0.0.1:10002/devstoreaccount1;";

    public const int BlobPort = 10000;

    /// <summary>
    /// True when the environment variable CI is set: Azure tests then never skip, so a CI run without Azurite fails
    /// instead of passing with the Azure tests left out.
    /// </summary>
    public static bool IsExpected => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"));

    /// <summary>Whether something accepts a connection on 127.0.0.1:10000 (a readiness probe, at most a second).</summary>
    public static bool IsRunning()
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            client.ConnectAsync(IPAddress.Loopback, BlobPort, timeout.Token).AsTask().GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Fails with a message that says Azurite was expected when CI is set and nothing listens on 127.0.0.1:10000
    /// (without CI, <see cref="AzuriteFactAttribute"/> has skipped the test already).
    /// </summary>
    public static void ThrowIfExpectedButMissing()
    {
        if (IsExpected && !IsRunning())
        {
            throw new InvalidOperationException(
                $"Azurite was expected on 127.0.0.1:{BlobPort} (CI is set, so Azure tests do not skip) but nothing listens there; " +
                "start it with scripts/azurite start (.ci/run does).");
        }
    }
}
