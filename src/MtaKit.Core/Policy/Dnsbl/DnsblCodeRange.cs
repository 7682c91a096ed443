using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace MtaKit;

/// <summary>An inclusive range of IPv4 return codes (<c>127.0.0.2</c> or <c>127.0.0.2-127.0.0.11</c>).</summary>
internal readonly record struct DnsblCodeRange(uint First, uint Last)
{
    public static bool TryParse(string? text, out DnsblCodeRange range)
    {
        range = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var dash = text.IndexOf('-', StringComparison.Ordinal);
        var firstText = dash < 0 ? text : text[..dash];
        var lastText = dash < 0 ? text : text[(dash + 1)..];
        if (!TryParseV4(firstText.Trim(), out var first) || !TryParseV4(lastText.Trim(), out var last) || last < first)
        {
            return false;
        }

        range = new DnsblCodeRange(first, last);
        return true;
    }

    public bool Contains(IPAddress address) => ToUInt32(address) is var value && value >= First && value <= Last;

    public static uint ToUInt32(IPAddress address) => BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes());

    private static bool TryParseV4(string text, out uint value)
    {
        value = 0;
        if (!IPAddress.TryParse(text, out var address) || address.AddressFamily != AddressFamily.InterNetwork || text.Count(c => c == '.') != 3)
        {
            return false;
        }

        value = ToUInt32(address);
        return true;
    }
}
