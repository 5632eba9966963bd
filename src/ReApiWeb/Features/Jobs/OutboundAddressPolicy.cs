using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using ReApiWeb.Data;
using ReApiWeb.Features.Upstream;

namespace ReApiWeb.Features.Jobs;

/// <summary>
/// Where the archiver may fetch outputs from: public addresses only. Every connection (the first and each redirect's)
/// resolves the host itself and connects only to the addresses it checked, so neither a redirect nor a DNS answer that
/// changes between check and use reaches loopback, link-local or private networks. Hosts the admin allows
/// (<see cref="StorageOptions.ArchiveAllowedHosts"/>) and the reAPI accounts' and the embedded sandbox's own host and port are exempt.
/// </summary>
public sealed class OutboundAddressPolicy(UpstreamClients upstream, IOptions<StorageOptions> storage)
{
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var usable = await IsAllowedHostAsync(host, context.DnsEndPoint.Port, cancellationToken) ? addresses : [.. addresses.Where(IsPublic)];
        if (usable.Length == 0)
        {
            throw new HttpRequestException(
                $"{host} resolves only to loopback, link-local or private addresses, which outputs are never fetched from (an admin can allow a host with Storage:ArchiveAllowedHosts).");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(usable, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async ValueTask<bool> IsAllowedHostAsync(string host, int port, CancellationToken cancellationToken)
    {
        if (storage.Value.ArchiveAllowedHosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        return await upstream.IsUpstreamAsync(host, port, cancellationToken);
    }

    /// <summary>False for loopback, link-local, private, shared (CGNAT), unique-local, multicast and unspecified addresses.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var first = address.GetAddressBytes()[0];
            return !address.IsIPv6LinkLocal && !address.IsIPv6SiteLocal && !address.IsIPv6Multicast && (first & 0xFE) != 0xFC;
        }

        var b = address.GetAddressBytes();
        return !(b[0] == 10
            || b[0] == 0
            || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)
            || b[0] >= 224);
    }
}
