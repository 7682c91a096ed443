using System.Net;

namespace MtaKit;

/// <summary>Typed lookups over <see cref="IDnsResolver.QueryAsync"/>.</summary>
public static class DnsResolverExtensions
{
    /// <summary>Looks up the IPv4 addresses of a name.</summary>
    public static ValueTask<DnsResult<IPAddress>> LookupAAsync(this IDnsResolver resolver, string name, CancellationToken cancellationToken = default)
        => LookupAsync(resolver, name, DnsRecordType.A, static r => r.Address!, cancellationToken);

    /// <summary>Looks up the IPv6 addresses of a name.</summary>
    public static ValueTask<DnsResult<IPAddress>> LookupAaaaAsync(this IDnsResolver resolver, string name, CancellationToken cancellationToken = default)
        => LookupAsync(resolver, name, DnsRecordType.Aaaa, static r => r.Address!, cancellationToken);

    /// <summary>Looks up the MX records of a domain, sorted by preference.</summary>
    public static async ValueTask<DnsResult<MailExchanger>> LookupMxAsync(this IDnsResolver resolver, string domain, CancellationToken cancellationToken = default)
    {
        var result = await LookupAsync(resolver, domain, DnsRecordType.Mx, static r => new MailExchanger(r.Preference, r.Host!), cancellationToken).ConfigureAwait(false);
        return result.Records.Count < 2
            ? result
            : new DnsResult<MailExchanger>(result.Status, [.. result.Records.OrderBy(m => m.Preference)], result.Ttl);
    }

    /// <summary>Looks up the TXT records of a name; each value is one record's strings joined.</summary>
    public static ValueTask<DnsResult<string>> LookupTxtAsync(this IDnsResolver resolver, string name, CancellationToken cancellationToken = default)
        => LookupAsync(resolver, name, DnsRecordType.Txt, static r => r.Text!, cancellationToken);

    /// <summary>Looks up the PTR host names of an address (reverse DNS).</summary>
    public static ValueTask<DnsResult<string>> LookupPtrAsync(this IDnsResolver resolver, IPAddress address, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        return LookupAsync(resolver, DnsName.ReverseLookupName(address), DnsRecordType.Ptr, static r => r.Host!, cancellationToken);
    }

    private static async ValueTask<DnsResult<T>> LookupAsync<T>(IDnsResolver resolver, string name, DnsRecordType type, Func<DnsRecord, T> select, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        var answer = await resolver.QueryAsync(name, type, cancellationToken).ConfigureAwait(false);
        return new DnsResult<T>(answer.Status, answer.Records.Count == 0 ? [] : [.. answer.Records.Select(select)], answer.Ttl);
    }
}
