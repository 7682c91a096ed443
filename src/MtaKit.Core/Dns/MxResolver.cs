using System.Net;

namespace MtaKit;

/// <summary>
/// Finds where to deliver mail for a recipient domain (RFC 5321 section 5.1): the MX hosts by preference,
/// in random order among equal preferences; without MX records (NODATA only) the domain's own A/AAAA
/// records (implicit MX); a null MX (RFC 7505) or NXDOMAIN are permanent; DNS failures are temporary.
/// Each host's IPv4 and IPv6 addresses are looked up. Thread-safe.
/// </summary>
public sealed class MxResolver
{
    private readonly IDnsResolver _resolver;
    private readonly Random _random;
    private readonly bool _preferIPv6;

    /// <summary>Creates a resolver.</summary>
    /// <param name="resolver">The DNS resolver.</param>
    /// <param name="random">Orders hosts of equal preference; <see langword="null"/> uses <see cref="Random.Shared"/> (tests pass a seeded one).</param>
    /// <param name="preferIPv6">Whether a host's IPv6 addresses are tried before its IPv4 addresses.</param>
    public MxResolver(IDnsResolver resolver, Random? random = null, bool preferIPv6 = false)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        _resolver = resolver;
        _random = random ?? Random.Shared;
        _preferIPv6 = preferIPv6;
    }

    /// <summary>Looks up the mail hosts of <paramref name="domain"/> and their addresses.</summary>
    /// <param name="domain">The recipient domain (A-label form); a trailing dot is allowed.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    /// <returns>The hosts to try in order, or the reason there are none (never an exception for DNS failures).</returns>
    public async ValueTask<MxResolution> ResolveAsync(string domain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = DnsName.Normalize(domain);
        if (!DnsName.IsValidDomain(name, hostCharacters: true))
        {
            return new MxResolution { Domain = name, Status = MxResolutionStatus.InvalidDomain, DnsStatus = DnsStatus.Error, Detail = "not a valid domain name" };
        }

        var mx = await _resolver.QueryAsync(name, DnsRecordType.Mx, cancellationToken).ConfigureAwait(false);
        switch (mx.Status)
        {
            case DnsStatus.Success:
                break;
            case DnsStatus.NoData:
                return await ImplicitAsync(name, cancellationToken).ConfigureAwait(false);
            case DnsStatus.NxDomain:
                return new MxResolution { Domain = name, Status = MxResolutionStatus.NoSuchDomain, DnsStatus = DnsStatus.NxDomain, Detail = "NXDOMAIN" };
            default:
                return Temporary(name, mx.Status, $"MX query: {mx.Status}");
        }

        // RFC 7505: a null MX is the only record; when it is mixed with real hosts, the real hosts are used.
        var exchangers = mx.Records.Where(r => r.Host!.Length > 0).Select(r => (r.Preference, Host: r.Host!)).Distinct().ToList();
        if (exchangers.Count == 0)
        {
            return new MxResolution { Domain = name, Status = MxResolutionStatus.NullMx, DnsStatus = DnsStatus.Success, Detail = "null MX" };
        }

        var ordered = Order(exchangers);
        var lookups = ordered.Select(e => AddressesAsync(e.Host, cancellationToken).AsTask()).ToArray();
        var found = await Task.WhenAll(lookups).ConfigureAwait(false);
        var hosts = new List<MxHost>(ordered.Count);
        DnsStatus? failure = null;
        for (var i = 0; i < ordered.Count; i++)
        {
            if (found[i].Addresses.Count > 0)
            {
                hosts.Add(new MxHost(ordered[i].Host, ordered[i].Preference, found[i].Addresses));
            }
            else
            {
                failure ??= found[i].Failure;
            }
        }

        if (hosts.Count > 0)
        {
            return new MxResolution { Domain = name, Status = MxResolutionStatus.Success, Hosts = hosts, DnsStatus = DnsStatus.Success };
        }

        return failure is { } status
            ? Temporary(name, status, $"address lookup of its MX hosts: {status}")
            : new MxResolution { Domain = name, Status = MxResolutionStatus.NoMailHost, DnsStatus = DnsStatus.NoData, Detail = "none of its MX hosts has an address" };
    }

    private async ValueTask<MxResolution> ImplicitAsync(string name, CancellationToken cancellationToken)
    {
        var (addresses, failure) = await AddressesAsync(name, cancellationToken).ConfigureAwait(false);
        if (addresses.Count > 0)
        {
            return new MxResolution { Domain = name, Status = MxResolutionStatus.Success, Hosts = [new MxHost(name, 0, addresses)], IsImplicit = true, DnsStatus = DnsStatus.Success };
        }

        return failure is { } status
            ? Temporary(name, status, $"implicit MX address lookup: {status}")
            : new MxResolution { Domain = name, Status = MxResolutionStatus.NoMailHost, DnsStatus = DnsStatus.NoData, IsImplicit = true, Detail = "neither MX nor address records" };
    }

    /// <summary>A host's addresses (both families), and the failure status when a lookup failed and none were found.</summary>
    private async ValueTask<(IReadOnlyList<IPAddress> Addresses, DnsStatus? Failure)> AddressesAsync(string host, CancellationToken cancellationToken)
    {
        var a = _resolver.QueryAsync(host, DnsRecordType.A, cancellationToken).AsTask();
        var aaaa = _resolver.QueryAsync(host, DnsRecordType.Aaaa, cancellationToken).AsTask();
        var answers = await Task.WhenAll(a, aaaa).ConfigureAwait(false);
        var first = _preferIPv6 ? answers[1] : answers[0];
        var second = _preferIPv6 ? answers[0] : answers[1];
        IReadOnlyList<IPAddress> addresses = [.. first.Records.Concat(second.Records).Select(r => r.Address!).Distinct()];
        return (addresses, answers.FirstOrDefault(x => x.IsFailure)?.Status);
    }

    /// <summary>By preference; hosts of equal preference in random order (RFC 5321 section 5.1 load spreading).</summary>
    private List<(int Preference, string Host)> Order(List<(int Preference, string Host)> exchangers)
    {
        var result = new List<(int Preference, string Host)>(exchangers.Count);
        foreach (var group in exchangers.GroupBy(e => e.Preference).OrderBy(g => g.Key))
        {
            var items = group.ToArray();
            if (items.Length > 1)
            {
                // Random.Shared is thread-safe; a caller's seeded Random is not.
                lock (_random)
                {
                    _random.Shuffle(items);
                }
            }

            result.AddRange(items);
        }

        return result;
    }

    private static MxResolution Temporary(string name, DnsStatus status, string detail)
        => new() { Domain = name, Status = MxResolutionStatus.TemporaryFailure, DnsStatus = status, Detail = detail };
}
