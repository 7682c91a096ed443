using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace MtaKit;

/// <summary>Domain name helpers shared by the resolvers, SPF and DNSBL: normalization and reverse names.</summary>
internal static class DnsName
{
    /// <summary>Lower case, without the trailing dot (the root stays empty).</summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var span = name.AsSpan().Trim();
        if (span.Length > 0 && span[^1] == '.')
        {
            span = span[..^1];
        }

        // The usual name is already lower case without a trailing dot: no copy.
        if (span.Length == name.Length && !span.ContainsAnyInRange('A', 'Z') && Ascii.IsValid(span))
        {
            return name;
        }

        return span.ToString().ToLowerInvariant();
    }

    /// <summary>
    /// True for a fully qualified domain name: two or more labels of 1 to 63 octets, 253 at most, no domain
    /// literal; with <paramref name="hostCharacters"/> also only letters, digits, '-' (not first or last) and '_'.
    /// </summary>
    public static bool IsValidDomain(string domain, bool hostCharacters)
    {
        var name = domain.EndsWith('.') ? domain[..^1] : domain;
        if (name.Length is 0 or > 253 || name.StartsWith('['))
        {
            return false;
        }

        var labels = name.Split('.');
        return labels.Length >= 2 && labels.All(l => l.Length is > 0 and <= 63
            && (!hostCharacters || (l.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_') && l[0] != '-' && l[^1] != '-')));
    }

    /// <summary>True when <paramref name="name"/> equals <paramref name="zone"/> or is below it (both normalized).</summary>
    public static bool IsAtOrBelow(string name, string zone)
        => zone.Length == 0
            || name.Equals(zone, StringComparison.Ordinal)
            || (name.Length > zone.Length && name.EndsWith(zone, StringComparison.Ordinal) && name[name.Length - zone.Length - 1] == '.');

    /// <summary>
    /// The reversed form of an address: <c>4.3.2.1</c> for 1.2.3.4, 32 nibbles for IPv6 (RFC 5782 / RFC 3596),
    /// with <paramref name="suffix"/> appended after a dot when not empty.
    /// </summary>
    public static string Reverse(IPAddress address, string suffix)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var sb = new StringBuilder(80);
        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                sb.Append(bytes[i].ToString(CultureInfo.InvariantCulture)).Append('.');
            }
        }
        else
        {
            for (var i = bytes.Length - 1; i >= 0; i--)
            {
                sb.Append("0123456789abcdef"[bytes[i] & 0xF]).Append('.')
                  .Append("0123456789abcdef"[bytes[i] >> 4]).Append('.');
            }
        }

        if (suffix.Length == 0)
        {
            sb.Length--;
        }
        else
        {
            sb.Append(suffix);
        }

        return sb.ToString();
    }

    /// <summary>The PTR query name of an address (<c>in-addr.arpa</c> or <c>ip6.arpa</c>).</summary>
    public static string ReverseLookupName(IPAddress address)
    {
        var v4 = address.AddressFamily == AddressFamily.InterNetwork || address.IsIPv4MappedToIPv6;
        return Reverse(address, v4 ? "in-addr.arpa" : "ip6.arpa");
    }
}
