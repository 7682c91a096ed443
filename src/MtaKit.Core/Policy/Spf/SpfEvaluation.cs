using System.Net;
using System.Net.Sockets;

namespace MtaKit;

/// <summary>The state of one SPF check shared by its nested include/redirect evaluations: inputs and the lookup counters.</summary>
internal sealed class SpfEvaluation
{
    private readonly IDnsResolver _resolver;
    private readonly int _nameLimit;
    private Dictionary<string, string>? _validatedNames;

    public SpfEvaluation(IDnsResolver resolver, SpfOptions options, IPAddress address, string sender, string helo, DateTimeOffset now, CancellationToken cancellationToken)
    {
        _resolver = resolver;
        _nameLimit = options.NameLookupLimit;
        Address = address;
        Sender = sender;
        var at = sender.LastIndexOf('@');
        LocalPart = at <= 0 ? "postmaster" : sender[..at];
        SenderDomain = at < 0 ? sender : sender[(at + 1)..];
        Helo = helo;
        ReceiverName = options.ReceiverName;
        Now = now;
        CancellationToken = cancellationToken;
    }

    public IPAddress Address { get; }

    public bool IsIPv4 => Address.AddressFamily == AddressFamily.InterNetwork;

    public string Sender { get; }

    public string LocalPart { get; }

    public string SenderDomain { get; }

    public string Helo { get; }

    public string ReceiverName { get; }

    public DateTimeOffset Now { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>Terms that caused DNS lookups so far.</summary>
    public int Lookups { get; set; }

    /// <summary>Lookups that answered NXDOMAIN or NODATA so far.</summary>
    public int VoidLookups { get; set; }

    public ValueTask<DnsAnswer> QueryAsync(string name, DnsRecordType type) => _resolver.QueryAsync(name, type, CancellationToken);

    /// <summary>The address records of the client's family at <paramref name="name"/>.</summary>
    public ValueTask<DnsAnswer> QueryAddressesAsync(string name) => QueryAsync(name, IsIPv4 ? DnsRecordType.A : DnsRecordType.Aaaa);

    /// <summary>
    /// The PTR names of the client that resolve back to it (section 5.5), at most the name limit of them;
    /// DNS errors skip a name, a failed PTR lookup gives none. VoidPtr tells whether the PTR lookup was void.
    /// </summary>
    public async ValueTask<(List<string> Names, bool VoidPtr)> ValidatedNamesAsync()
    {
        var ptr = await QueryAsync(DnsName.ReverseLookupName(Address), DnsRecordType.Ptr).ConfigureAwait(false);
        var names = new List<string>();
        foreach (var record in ptr.Records.Take(_nameLimit))
        {
            var addresses = await QueryAddressesAsync(record.Host!).ConfigureAwait(false);
            if (addresses.Records.Any(r => r.Address!.Equals(Address)))
            {
                names.Add(record.Host!);
            }
        }

        return (names, ptr.IsNegative);
    }

    /// <summary>The <c>%{p}</c> value: a validated name at or below <paramref name="domain"/> if any, else any validated name, else <c>unknown</c>.</summary>
    public async ValueTask<string> ValidatedNameAsync(string domain)
    {
        _validatedNames ??= [];
        if (_validatedNames.TryGetValue(domain, out var cached))
        {
            return cached;
        }

        var (names, _) = await ValidatedNamesAsync().ConfigureAwait(false);
        var target = DnsName.Normalize(domain);
        var best = names.FirstOrDefault(n => DnsName.IsAtOrBelow(n, target)) ?? names.FirstOrDefault() ?? "unknown";
        _validatedNames[domain] = best;
        return best;
    }
}
