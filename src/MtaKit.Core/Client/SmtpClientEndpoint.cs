using System.Globalization;
using System.Net;

namespace MtaKit;

/// <summary>
/// Where a <see cref="SmtpClientConnection"/> connects: a TCP host name or IP address and port, or
/// a Unix domain socket (typically LMTP). Immutable; equal endpoints share a pool.
/// </summary>
public sealed record SmtpClientEndpoint
{
    private SmtpClientEndpoint(string? hostName, IPAddress? address, int port, string? unixSocketPath)
    {
        HostName = hostName;
        Address = address;
        Port = port;
        UnixSocketPath = unixSocketPath;
    }

    /// <summary>The host name: resolved when <see cref="Address"/> is null, and sent as the TLS server name (SNI).</summary>
    public string? HostName { get; }

    /// <summary>The IP address to connect to, or <see langword="null"/> to resolve <see cref="HostName"/>.</summary>
    public IPAddress? Address { get; }

    /// <summary>The TCP port (0 for a Unix socket).</summary>
    public int Port { get; }

    /// <summary>The path of a Unix domain socket, or <see langword="null"/> for TCP.</summary>
    public string? UnixSocketPath { get; }

    /// <summary>A TCP endpoint by host name (or an IP address in text form).</summary>
    /// <param name="host">The host name, also used as the TLS server name.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    public static SmtpClientEndpoint Tcp(string host, int port)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(host);
        ValidatePort(port);
        return IPAddress.TryParse(host, out var ip)
            ? new SmtpClientEndpoint(null, ip, port, null)
            : new SmtpClientEndpoint(host, null, port, null);
    }

    /// <summary>A TCP endpoint by IP address, with the host name it was found under (MX name) for TLS.</summary>
    /// <param name="address">The address to connect to.</param>
    /// <param name="port">The port, 1 to 65535.</param>
    /// <param name="hostName">The host name sent as the TLS server name (SNI) and checked against the certificate.</param>
    public static SmtpClientEndpoint Tcp(IPAddress address, int port, string? hostName = null)
    {
        ArgumentNullException.ThrowIfNull(address);
        ValidatePort(port);
        return new SmtpClientEndpoint(string.IsNullOrWhiteSpace(hostName) ? null : hostName, address, port, null);
    }

    /// <summary>A Unix domain socket endpoint (for example a local LMTP server).</summary>
    /// <param name="path">The socket path.</param>
    public static SmtpClientEndpoint Unix(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new SmtpClientEndpoint(null, null, 0, path);
    }

    /// <summary>Returns <c>host[address]:port</c> or <c>unix:path</c>.</summary>
    public override string ToString()
    {
        if (UnixSocketPath is not null)
        {
            return "unix:" + UnixSocketPath;
        }

        var host = (HostName, Address) switch
        {
            (not null, not null) => $"{HostName}[{Address}]",
            (not null, null) => HostName,
            _ => Address!.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Address}]" : Address.ToString(),
        };
        return string.Create(CultureInfo.InvariantCulture, $"{host}:{Port}");
    }

    private static void ValidatePort(int port)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(port, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(port, 65535);
    }
}
