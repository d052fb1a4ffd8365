using System.Net;
using System.Net.Sockets;

namespace SamMpa.Tests.Infrastructure;

internal static class FreePorts
{
    /// <summary>Ports nothing listens on now, distinct, from the kernel's ephemeral range.</summary>
    public static int[] Take(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToArray();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }

            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }
}
