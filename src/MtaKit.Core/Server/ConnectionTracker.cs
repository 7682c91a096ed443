using System.Collections.Concurrent;
using System.Net;

namespace MtaKit.Server;

/// <summary>Counts connections per listener and per client (IPv6 per network prefix).</summary>
internal sealed class ConnectionTracker
{
    private readonly ConcurrentDictionary<IPAddress, int> _perClient = new();
    private int _total;

    public int Active => Volatile.Read(ref _total);

    /// <summary>Registers a connection; returns a reason when a limit is reached (nothing is registered then).</summary>
    public string? TryEnter(IPAddress client, SmtpLimits limits, out IPAddress key)
    {
        key = ClientKey(client, limits.Ipv6PrefixLength);
        if (Interlocked.Increment(ref _total) > limits.MaxConnections)
        {
            Interlocked.Decrement(ref _total);
            key = IPAddress.None;
            return "too many connections";
        }

        var count = _perClient.AddOrUpdate(key, 1, static (_, n) => n + 1);
        if (count > limits.MaxConnectionsPerIp)
        {
            Leave(key);
            key = IPAddress.None;
            return "too many connections from your address";
        }

        return null;
    }

    public void Leave(IPAddress key)
    {
        Interlocked.Decrement(ref _total);
        while (true)
        {
            if (!_perClient.TryGetValue(key, out var n))
            {
                return;
            }

            if (n <= 1 ? _perClient.TryRemove(new KeyValuePair<IPAddress, int>(key, n)) : _perClient.TryUpdate(key, n - 1, n))
            {
                return;
            }
        }
    }

    public static IPAddress ClientKey(IPAddress address, int ipv6Prefix)
    {
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        for (var bit = ipv6Prefix; bit < 128; bit++)
        {
            bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
        }

        return new IPAddress(bytes);
    }
}
