using System.Globalization;
using System.Net;

namespace MtaKit.Hosting.Configuration;

/// <summary>Parses <c>host:port</c>, <c>[v6]:port</c> and <c>*:port</c> endpoints from configuration.</summary>
public static class EndPointParser
{
    /// <summary>Tries to parse an endpoint. Host names other than <c>localhost</c> are resolved.</summary>
    public static bool TryParse(string? text, out IPEndPoint? endPoint)
    {
        endPoint = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        string host;
        string port;
        if (text.StartsWith('['))
        {
            var close = text.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= text.Length || text[close + 1] != ':')
            {
                return false;
            }

            host = text[1..close];
            port = text[(close + 2)..];
        }
        else
        {
            var colon = text.LastIndexOf(':');
            if (colon <= 0 || text.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                return false;
            }

            host = text[..colon];
            port = text[(colon + 1)..];
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p > 65535)
        {
            return false;
        }

        IPAddress? address;
        if (host is "*" or "0.0.0.0")
        {
            address = host == "*" ? IPAddress.IPv6Any : IPAddress.Any;
        }
        else if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
        }
        else if (!IPAddress.TryParse(host, out address))
        {
            try
            {
                address = Dns.GetHostAddresses(host).FirstOrDefault();
            }
            catch (System.Net.Sockets.SocketException)
            {
                address = null;
            }

            if (address is null)
            {
                return false;
            }
        }

        endPoint = new IPEndPoint(address, p);
        return true;
    }

    /// <summary>Tries to parse a CIDR network (<c>10.0.0.0/8</c>, <c>2001:db8::/32</c>); a bare address is a host network.</summary>
    public static bool TryParseNetwork(string? text, out IPNetwork network)
    {
        network = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        text = text.Trim();
        if (!text.Contains('/', StringComparison.Ordinal) && IPAddress.TryParse(text, out var single))
        {
            network = new IPNetwork(single, single.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
            return true;
        }

        return IPNetwork.TryParse(text, out network);
    }
}
