using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace MtaKit.Scanning;

/// <summary>Parses scanner addresses: <c>host:port</c>, <c>[v6]:port</c>, <c>unix:/path</c>, and URLs (<c>tcp://</c>, <c>spamd://</c>, <c>http://</c>).</summary>
internal static class ScannerAddress
{
    /// <summary>Parses <paramref name="address"/> into an endpoint; <paramref name="defaultPort"/> applies when none is given.</summary>
    public static bool TryParse(string? address, int defaultPort, out EndPoint? endPoint, out string? error)
    {
        endPoint = null;
        error = null;
        if (string.IsNullOrWhiteSpace(address))
        {
            error = "the address is empty";
            return false;
        }

        address = address.Trim();
        if (address.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
        {
            var path = address["unix:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal))
            {
                path = path[2..];
            }

            if (path.Length == 0 || path[0] != '/')
            {
                error = $"'{address}' is not unix:/absolute/path";
                return false;
            }

            endPoint = new UnixDomainSocketEndPoint(path);
            return true;
        }

        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            {
                error = $"'{address}' is not a valid URL";
                return false;
            }

            endPoint = Make(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? defaultPort : uri.Port);
            return true;
        }

        var colon = address.LastIndexOf(':');
        if (colon <= 0 || address.EndsWith(']'))
        {
            endPoint = Make(address.Trim('[', ']'), defaultPort);
            return true;
        }

        if (!int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            error = $"'{address}' has no valid port (expected host:port, 1-65535)";
            return false;
        }

        endPoint = Make(address[..colon].Trim('[', ']'), port);
        return true;
    }

    /// <summary>Parses <paramref name="address"/> or throws <see cref="FormatException"/>.</summary>
    public static EndPoint Parse(string address, int defaultPort)
        => TryParse(address, defaultPort, out var endPoint, out var error) ? endPoint! : throw new FormatException(error);

    /// <summary>A short display form: <c>host:port</c> or <c>unix:/path</c>.</summary>
    public static string Format(EndPoint endPoint) => endPoint switch
    {
        UnixDomainSocketEndPoint u => "unix:" + u,
        DnsEndPoint d => string.Create(CultureInfo.InvariantCulture, $"{d.Host}:{d.Port}"),
        _ => endPoint.ToString() ?? "?",
    };

    private static EndPoint Make(string host, int port)
        => IPAddress.TryParse(host, out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
}
