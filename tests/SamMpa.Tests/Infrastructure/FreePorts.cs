using System.Net;
using System.Net.Sockets;

namespace SamMpa.Tests.Infrastructure;

/// <summary>
/// Ports for servers a test starts later (silo processes, restarted on the same ports). They come from below the
/// kernel's ephemeral range: a port from inside it, free when probed, can be taken as the local port of any outgoing
/// connection on the machine before the server binds it (CI saw a silo die of "address already in use").
/// </summary>
internal static class FreePorts
{
    private const int Lowest = 20000;

    private static readonly HashSet<int> Given = [];

    /// <summary>Ports nothing listens on now, distinct, never given before in this process, outside the ephemeral range.</summary>
    public static int[] Take(int count)
    {
        var (ephemeralLow, _) = EphemeralRange();
        var ports = new List<int>(count);
        lock (Given)
        {
            for (var attempt = 0; ports.Count < count; attempt++)
            {
                if (attempt > 10_000)
                {
                    throw new InvalidOperationException($"expected {count} free ports in {Lowest}..{ephemeralLow - 1}, found {ports.Count}");
                }

                var port = Random.Shared.Next(Lowest, ephemeralLow);
                if (!Given.Contains(port) && IsFree(port))
                {
                    Given.Add(port);
                    ports.Add(port);
                }
            }
        }

        return [.. ports];
    }

    private static bool IsFree(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    /// <summary>Linux's ip_local_port_range; its usual default where the file is missing.</summary>
    private static (int Low, int High) EphemeralRange()
    {
        const string file = "/proc/sys/net/ipv4/ip_local_port_range";
        var fields = File.Exists(file) ? File.ReadAllText(file).Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries) : [];
        return fields.Length == 2 && int.TryParse(fields[0], out var low) && int.TryParse(fields[1], out var high) && low > Lowest + 1000
            ? (low, high)
            : (32768, 60999);
    }
}
