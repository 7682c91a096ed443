using System.Buffers;
using System.Buffers.Binary;
using System.Net;
using System.Text;

namespace MtaKit.Server;

/// <summary>The outcome of parsing a PROXY protocol header.</summary>
internal enum ProxyParseStatus
{
    NeedMoreData,
    Invalid,
    Proxied,
    Local,
}

/// <summary>Parses PROXY protocol v1 (text) and v2 (binary) headers (haproxy's proxy-protocol.txt).</summary>
internal static class ProxyProtocolParser
{
    private static ReadOnlySpan<byte> V2Signature => [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    private const int V1MaxLength = 107;
    private const int V2MaxAddressLength = 2048;

    public static ProxyParseStatus TryParse(ReadOnlySequence<byte> input, out int consumed, out IPEndPoint? source, out IPEndPoint? destination, out string? error)
    {
        consumed = 0;
        source = destination = null;
        error = null;
        Span<byte> head = stackalloc byte[16];
        var available = (int)Math.Min(input.Length, 16);
        input.Slice(0, available).CopyTo(head);
        head = head[..available];

        if (head.Length > 0 && head[0] == 0x0D)
        {
            if (!V2Signature[..Math.Min(12, head.Length)].SequenceEqual(head[..Math.Min(12, head.Length)]))
            {
                error = "bad v2 signature";
                return ProxyParseStatus.Invalid;
            }

            if (head.Length < 16)
            {
                return ProxyParseStatus.NeedMoreData;
            }

            return ParseV2(input, head, out consumed, out source, out destination, out error);
        }

        var probe = "PROXY "u8;
        if (!probe[..Math.Min(probe.Length, head.Length)].SequenceEqual(head[..Math.Min(probe.Length, head.Length)]))
        {
            error = "no PROXY header";
            return ProxyParseStatus.Invalid;
        }

        var lf = input.PositionOf((byte)'\n');
        if (lf is null)
        {
            if (input.Length >= V1MaxLength)
            {
                error = "v1 header too long";
                return ProxyParseStatus.Invalid;
            }

            return ProxyParseStatus.NeedMoreData;
        }

        var lineSeq = input.Slice(0, lf.Value);
        if (lineSeq.Length + 1 > V1MaxLength)
        {
            error = "v1 header too long";
            return ProxyParseStatus.Invalid;
        }

        Span<byte> lineBytes = stackalloc byte[(int)lineSeq.Length];
        lineSeq.CopyTo(lineBytes);
        consumed = lineBytes.Length + 1;
        if (lineBytes.Length == 0 || lineBytes[^1] != '\r')
        {
            error = "v1 header must end with CRLF";
            return ProxyParseStatus.Invalid;
        }

        return ParseV1(Encoding.ASCII.GetString(lineBytes[..^1]), out source, out destination, out error);
    }

    private static ProxyParseStatus ParseV1(string line, out IPEndPoint? source, out IPEndPoint? destination, out string? error)
    {
        source = destination = null;
        error = null;
        var parts = line.Split(' ');
        if (parts.Length >= 2 && parts[1] == "UNKNOWN")
        {
            return ProxyParseStatus.Local;
        }

        if (parts.Length != 6 || parts[1] is not ("TCP4" or "TCP6"))
        {
            error = "malformed v1 header";
            return ProxyParseStatus.Invalid;
        }

        var family = parts[1] == "TCP4" ? System.Net.Sockets.AddressFamily.InterNetwork : System.Net.Sockets.AddressFamily.InterNetworkV6;
        if (!IPAddress.TryParse(parts[2], out var src) || !IPAddress.TryParse(parts[3], out var dst)
            || src.AddressFamily != family || dst.AddressFamily != family
            || !TryParsePort(parts[4], out var sport) || !TryParsePort(parts[5], out var dport))
        {
            error = "malformed v1 addresses";
            return ProxyParseStatus.Invalid;
        }

        source = new IPEndPoint(src, sport);
        destination = new IPEndPoint(dst, dport);
        return ProxyParseStatus.Proxied;
    }

    private static bool TryParsePort(string text, out int port)
        => int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
           && port is >= 0 and <= 65535 && (text == "0" || text[0] != '0');

    private static ProxyParseStatus ParseV2(ReadOnlySequence<byte> input, ReadOnlySpan<byte> head, out int consumed, out IPEndPoint? source, out IPEndPoint? destination, out string? error)
    {
        consumed = 0;
        source = destination = null;
        error = null;
        var versionCommand = head[12];
        if (versionCommand >> 4 != 2)
        {
            error = "unsupported v2 version";
            return ProxyParseStatus.Invalid;
        }

        var command = versionCommand & 0x0F;
        if (command > 1)
        {
            error = "unsupported v2 command";
            return ProxyParseStatus.Invalid;
        }

        var family = head[13];
        int length = BinaryPrimitives.ReadUInt16BigEndian(head[14..16]);
        if (length > V2MaxAddressLength)
        {
            error = "v2 header too long";
            return ProxyParseStatus.Invalid;
        }

        if (input.Length < 16 + length)
        {
            return ProxyParseStatus.NeedMoreData;
        }

        consumed = 16 + length;
        if (command == 0)
        {
            return ProxyParseStatus.Local; // LOCAL: health check from the proxy itself
        }

        Span<byte> addresses = stackalloc byte[Math.Min(length, 36)];
        input.Slice(16, addresses.Length).CopyTo(addresses);
        switch (family)
        {
            case 0x11 when length >= 12: // TCP over IPv4
                source = new IPEndPoint(new IPAddress(addresses[..4]), BinaryPrimitives.ReadUInt16BigEndian(addresses[8..10]));
                destination = new IPEndPoint(new IPAddress(addresses[4..8]), BinaryPrimitives.ReadUInt16BigEndian(addresses[10..12]));
                return ProxyParseStatus.Proxied;
            case 0x21 when length >= 36: // TCP over IPv6
                source = new IPEndPoint(new IPAddress(addresses[..16]), BinaryPrimitives.ReadUInt16BigEndian(addresses[32..34]));
                destination = new IPEndPoint(new IPAddress(addresses[16..32]), BinaryPrimitives.ReadUInt16BigEndian(addresses[34..36]));
                return ProxyParseStatus.Proxied;
            case 0x00:
                return ProxyParseStatus.Local; // UNSPEC: use the socket's addresses
            default:
                error = "unsupported v2 address family or short address block";
                return ProxyParseStatus.Invalid;
        }
    }
}
