using System.Net;
using System.Net.Sockets;

namespace MtaKit;

/// <summary>Names a client's network for counting and greylisting: its address cut to a prefix length per family.</summary>
internal static class ClientNetwork
{
    /// <summary>Returns <c>address/prefix</c> with the host bits cleared (IPv4-mapped IPv6 counts as IPv4).</summary>
    public static string Key(IPAddress address, int ipv4Prefix, int ipv6Prefix)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var prefix = address.AddressFamily == AddressFamily.InterNetwork ? ipv4Prefix : ipv6Prefix;
        return new IPNetwork(Mask(address, prefix), prefix).ToString();
    }

    private static IPAddress Mask(IPAddress address, int prefix)
    {
        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out var length);
        bytes = bytes[..length];
        for (var i = 0; i < bytes.Length; i++)
        {
            var bits = Math.Clamp(prefix - (i * 8), 0, 8);
            bytes[i] &= (byte)(0xFF << (8 - bits));
        }

        return new IPAddress(bytes);
    }
}
