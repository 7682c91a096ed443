using System.Net;

namespace MtaKit;

/// <summary>
/// One resource record of a type <see cref="DnsRecordType"/> names: an address (A, AAAA), a host name
/// (MX exchange, PTR, CNAME target) with an MX preference, or text (TXT, its strings joined).
/// Create with <see cref="ForAddress"/>, <see cref="ForMx"/>, <see cref="ForTxt"/>, <see cref="ForPtr"/> or <see cref="ForCname"/>.
/// </summary>
public sealed class DnsRecord
{
    private DnsRecord(string name, DnsRecordType type, TimeSpan ttl, IPAddress? address, string? host, int preference, string? text)
    {
        Name = DnsName.Normalize(name);
        Type = type;
        Ttl = ttl < TimeSpan.Zero ? TimeSpan.Zero : ttl;
        Address = address;
        Host = host is null ? null : DnsName.Normalize(host);
        Preference = preference;
        Text = text;
    }

    /// <summary>The owner name, lower case, without the trailing dot.</summary>
    public string Name { get; }

    /// <summary>The record type.</summary>
    public DnsRecordType Type { get; }

    /// <summary>The time to live the server gave.</summary>
    public TimeSpan Ttl { get; }

    /// <summary>The address of an A or AAAA record, else <see langword="null"/>.</summary>
    public IPAddress? Address { get; }

    /// <summary>The host of an MX (exchange; empty for a null MX), PTR or CNAME record, lower case without the trailing dot, else <see langword="null"/>.</summary>
    public string? Host { get; }

    /// <summary>The preference of an MX record, else 0.</summary>
    public int Preference { get; }

    /// <summary>The text of a TXT record (its character-strings joined without separator), else <see langword="null"/>.</summary>
    public string? Text { get; }

    /// <summary>Creates an A or AAAA record, by the address family.</summary>
    public static DnsRecord ForAddress(string name, IPAddress address, TimeSpan ttl)
    {
        ArgumentNullException.ThrowIfNull(address);
        var type = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? DnsRecordType.Aaaa : DnsRecordType.A;
        return new DnsRecord(name, type, ttl, address, null, 0, null);
    }

    /// <summary>Creates an MX record; an exchange of <c>"."</c> or empty is a null MX (RFC 7505).</summary>
    public static DnsRecord ForMx(string name, int preference, string exchange, TimeSpan ttl)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(preference);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preference, ushort.MaxValue);
        return new DnsRecord(name, DnsRecordType.Mx, ttl, null, exchange ?? string.Empty, preference, null);
    }

    /// <summary>Creates a TXT record from its character-strings, joined without separator.</summary>
    public static DnsRecord ForTxt(string name, TimeSpan ttl, params IEnumerable<string> strings)
        => new(name, DnsRecordType.Txt, ttl, null, null, 0, string.Concat(strings));

    /// <summary>Creates a PTR record.</summary>
    public static DnsRecord ForPtr(string name, string target, TimeSpan ttl)
        => new(name, DnsRecordType.Ptr, ttl, null, target, 0, null);

    /// <summary>Creates a CNAME record.</summary>
    public static DnsRecord ForCname(string name, string target, TimeSpan ttl)
        => new(name, DnsRecordType.Cname, ttl, null, target, 0, null);

    /// <inheritdoc/>
    public override string ToString() => Type switch
    {
        DnsRecordType.A or DnsRecordType.Aaaa => $"{Name} {Type} {Address}",
        DnsRecordType.Mx => $"{Name} MX {Preference} {(Host!.Length == 0 ? "." : Host)}",
        DnsRecordType.Txt => $"{Name} TXT \"{Text}\"",
        _ => $"{Name} {Type.ToString().ToUpperInvariant()} {Host}",
    };
}
