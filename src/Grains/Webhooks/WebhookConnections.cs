using System.Net;
using System.Net.Sockets;
using SamMpa.Grains.Options;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// How the silos connect to webhook receivers. Any owner chooses the URL, and the silos sit inside the cluster's network:
/// unless Webhooks:AllowPrivateNetworks is set, a connection to a loopback, private, link-local (the cloud metadata
/// endpoint), shared or unique-local address is refused. The address checked is the one connected to, after DNS, so a
/// name that resolves to an inside address is refused too. Redirects are not followed and no proxy is used: the receiver
/// connected to is the one checked.
/// </summary>
internal static class WebhookConnections
{
    public static SocketsHttpHandler Handler(WebhookOptions settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var allowPrivate = settings.AllowPrivateNetworks;
        return new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, allowPrivate, cancellationToken),
        };
    }

    /// <summary>Why a receiver at <paramref name="address"/> is refused, or null when it may be connected to.</summary>
    public static string? RefusalOf(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return "loopback";
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6LinkLocal ? "link-local"
                : address.IsIPv6UniqueLocal || address.IsIPv6SiteLocal ? "private"
                : address.IsIPv6Multicast ? "multicast"
                : address.Equals(IPAddress.IPv6Any) ? "unspecified"
                : null;
        }

        var b = address.GetAddressBytes();
        return b[0] switch
        {
            0 => "unspecified",
            10 => "private",
            100 when (b[1] & 0xC0) == 64 => "shared (carrier-grade NAT)",
            169 when b[1] == 254 => "link-local",
            172 when (b[1] & 0xF0) == 16 => "private",
            192 when b[1] == 168 => "private",
            >= 224 => "multicast or reserved",
            _ => null,
        };
    }

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endpoint.Host, cancellationToken);
        var usable = allowPrivate ? addresses : addresses.Where(a => RefusalOf(a) is null).ToArray();
        if (usable.Length == 0)
        {
            var found = addresses.Length == 0 ? "no address" : string.Join(", ", addresses.Select(a => $"{a} ({RefusalOf(a) ?? "public"})"));
            throw new HttpRequestException(
                $"Webhook receiver {endpoint.Host}:{endpoint.Port} resolves to {found}: the silos do not deliver inside the cluster's network unless Webhooks:AllowPrivateNetworks is true.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, endpoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
