using System.Globalization;
using System.Net;

namespace MtaKit.Routing;

/// <summary>How a next hop is reached.</summary>
public enum NextHopKind
{
    /// <summary>SMTP to a host and port (an address, or a name resolved via A/AAAA with every address tried).</summary>
    Smtp,

    /// <summary>LMTP (RFC 2033) to a host and port.</summary>
    Lmtp,

    /// <summary>LMTP over a Unix socket.</summary>
    LmtpUnix,

    /// <summary>The recipient domain's MX hosts, port 25.</summary>
    Mx,
}

/// <summary>
/// One place a route sends mail: <c>host:port</c>, <c>[::1]:port</c>, <c>name:port</c>,
/// <c>lmtp:host:port</c>, <c>lmtp:unix:/path</c>, or <c>mx</c>. Immutable.
/// </summary>
public sealed record NextHop
{
    /// <summary>The address as configured.</summary>
    public required string Text { get; init; }

    /// <summary>How it is reached.</summary>
    public required NextHopKind Kind { get; init; }

    /// <summary>The host name or address literal (not for Unix sockets or MX).</summary>
    public string? Host { get; init; }

    /// <summary>The port (25 for MX).</summary>
    public int Port { get; init; }

    /// <summary>The Unix socket path for <see cref="NextHopKind.LmtpUnix"/>.</summary>
    public string? SocketPath { get; init; }

    /// <summary>Lower is tried first; equal priorities are tried in random order. <value>The default value is 0.</value></summary>
    public int Priority { get; init; }

    /// <summary>True when <see cref="Host"/> is an IP address (no DNS needed).</summary>
    public bool IsAddress => Host is not null && IPAddress.TryParse(Host, out _);

    /// <summary>Parses a next-hop address.</summary>
    /// <exception cref="FormatException">The text is not one of the accepted forms.</exception>
    public static NextHop Parse(string text, int priority = 0)
        => TryParse(text, priority, out var hop, out var error) ? hop : throw new FormatException(error);

    /// <summary>Tries to parse a next-hop address.</summary>
    public static bool TryParse(string? text, int priority, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out NextHop? hop, out string? error)
    {
        hop = null;
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "empty next-hop address";
            return false;
        }

        var t = text.Trim();
        if (t.Equals("mx", StringComparison.OrdinalIgnoreCase))
        {
            hop = new NextHop { Text = t, Kind = NextHopKind.Mx, Port = 25, Priority = priority };
            return true;
        }

        var kind = NextHopKind.Smtp;
        if (t.StartsWith("lmtp:", StringComparison.OrdinalIgnoreCase))
        {
            t = t[5..];
            if (t.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
            {
                var path = t[5..];
                if (path.Length == 0 || path[0] != '/')
                {
                    error = $"'{text}': lmtp:unix: needs an absolute socket path";
                    return false;
                }

                hop = new NextHop { Text = text.Trim(), Kind = NextHopKind.LmtpUnix, SocketPath = path, Priority = priority };
                return true;
            }

            kind = NextHopKind.Lmtp;
        }

        string host, port;
        if (t.StartsWith('['))
        {
            var close = t.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || close + 1 >= t.Length || t[close + 1] != ':' || !IPAddress.TryParse(t[1..close], out _))
            {
                error = $"'{text}' is not [address]:port";
                return false;
            }

            host = t[1..close];
            port = t[(close + 2)..];
        }
        else
        {
            var colon = t.LastIndexOf(':');
            if (colon <= 0 || t.IndexOf(':', StringComparison.Ordinal) != colon)
            {
                error = $"'{text}' is not host:port, [v6]:port, lmtp:host:port, lmtp:unix:/path or mx";
                return false;
            }

            host = t[..colon];
            port = t[(colon + 1)..];
            if (!IPAddress.TryParse(host, out _) && Mailbox.NormaliseDomain(host) is null)
            {
                error = $"'{text}': '{host}' is not a host name or address";
                return false;
            }
        }

        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
        {
            error = $"'{text}': the port must be 1 to 65535";
            return false;
        }

        hop = new NextHop { Text = text.Trim(), Kind = kind, Host = host, Port = p, Priority = priority };
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => Text;
}
