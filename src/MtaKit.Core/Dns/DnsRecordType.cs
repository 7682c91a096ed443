namespace MtaKit;

/// <summary>The DNS record types MtaKit looks up (values are the RFC 1035 / 3596 type codes).</summary>
public enum DnsRecordType
{
    /// <summary>IPv4 address.</summary>
    A = 1,

    /// <summary>Canonical name (alias).</summary>
    Cname = 5,

    /// <summary>Domain name pointer (reverse DNS).</summary>
    Ptr = 12,

    /// <summary>Mail exchanger.</summary>
    Mx = 15,

    /// <summary>Text strings (SPF, DMARC, DKIM keys, DNSBL reasons).</summary>
    Txt = 16,

    /// <summary>IPv6 address.</summary>
    Aaaa = 28,
}
