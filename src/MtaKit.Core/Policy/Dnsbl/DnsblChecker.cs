using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Scores a client address against DNS lists (RFC 5782), postscreen style: every list is queried in
/// parallel (reversed IPv4 octets or IPv6 nibbles, then the zone), answers are filtered by the list's
/// return codes, and the weights of the lists that list the client are summed (allow-lists weigh negative).
/// Answers outside 127.0.0.0/8 and the 127.255.255.0/24 error codes are list errors, never listings.
/// Thread-safe; one instance serves every connection.
/// </summary>
public sealed class DnsblChecker : IDisposable
{
    private readonly IDnsResolver _resolver;
    private readonly DnsblOptions _options;
    private readonly List<(DnsblListOptions List, string Zone, DnsblCodeRange[] Codes)> _lists;
    private readonly List<(DnsblListOptions List, string Zone, DnsblCodeRange[] Codes)> _domainLists;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Meter? _ownedMeter;
    private readonly Counter<long> _lookups;
    private readonly Counter<long> _listed;
    private readonly Counter<long> _errors;

    /// <summary>Creates a checker.</summary>
    /// <param name="resolver">The DNS resolver.</param>
    /// <param name="options">The lists and threshold; validated here (<see cref="ArgumentException"/> lists every problem).</param>
    /// <param name="timeProvider">The clock of the lookup time budget.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter; a private meter by default.</param>
    public DnsblChecker(IDnsResolver resolver, DnsblOptions options, TimeProvider? timeProvider = null, ILogger<DnsblChecker>? logger = null, IMeterFactory? meterFactory = null)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid DNSBL options: " + string.Join(" ", errors));
        }

        _options = options;
        _lists = [.. options.Lists.Select(Prepare)];
        _domainLists = [.. options.DomainLists.Select(Prepare)];
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        var meter = DnsMetrics.CreateMeter(meterFactory, out _ownedMeter);
        _lookups = meter.CreateCounter<long>("mtakit.dnsbl.lookups", "{lookup}", "DNSBL queries, by zone.");
        _listed = meter.CreateCounter<long>("mtakit.dnsbl.listed", "{lookup}", "DNSBL queries that found the client listed, by zone.");
        _errors = meter.CreateCounter<long>("mtakit.dnsbl.errors", "{lookup}", "DNSBL queries without a usable answer (DNS failure, timeout, error code), by zone and kind.");
    }

    /// <summary>True when right-hand-side (domain) lists are configured.</summary>
    public bool HasDomainLists => _domainLists.Count > 0;

    /// <summary>Where a reject is given (from the options).</summary>
    public DnsblRejectPhase RejectAt => _options.RejectAt;

    /// <summary>Queries every list for <paramref name="clientAddress"/> and sums the weights.</summary>
    /// <param name="clientAddress">The SMTP client's address (IPv4-mapped IPv6 is checked as IPv4).</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async ValueTask<DnsblResult> CheckAsync(IPAddress clientAddress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        var address = clientAddress.IsIPv4MappedToIPv6 ? clientAddress.MapToIPv4() : clientAddress;
        using var budget = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        var subject = address.ToString();
        var outcomes = await Task.WhenAll(_lists.Select(l => CheckListAsync(QueryName(address, l.Zone), subject, l.List, l.Zone, l.Codes, linked.Token))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();

        var hits = outcomes.Where(o => o.Hit is not null).Select(o => o.Hit!).ToList();
        var errors = outcomes.Where(o => o.Error is not null).Select(o => o.Error!).ToList();
        var score = hits.Sum(h => h.Weight);
        if (hits.Count > 0)
        {
            DnsblLog.Scored(_logger, address, score, _options.Threshold, string.Join(", ", hits.Select(h => $"{h.Zone}={string.Join('/', h.Codes)}*{h.Weight}")));
        }

        return new DnsblResult(address, score, _options.Threshold, hits, errors);
    }

    /// <summary>
    /// Queries every right-hand-side list (<see cref="DnsblOptions.DomainLists"/>) for <paramref name="domain"/>
    /// (<c>domain.zone</c>, e.g. a sender domain in a DBL) and sums the weights against the same threshold.
    /// </summary>
    /// <param name="domain">The domain, e.g. the part of the reverse-path after <c>@</c>.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async ValueTask<DnsblDomainResult> CheckDomainAsync(string domain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = DnsName.Normalize(domain);
        if (_domainLists.Count == 0 || !DnsName.IsValidDomain(name, hostCharacters: false))
        {
            return new DnsblDomainResult(name, 0, _options.Threshold, [], []);
        }

        using var budget = new CancellationTokenSource(_options.Timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
        var outcomes = await Task.WhenAll(_domainLists.Select(l => CheckListAsync(name + "." + l.Zone, name, l.List, l.Zone, l.Codes, linked.Token))).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var hits = outcomes.Where(o => o.Hit is not null).Select(o => o.Hit!).ToList();
        return new DnsblDomainResult(name, hits.Sum(h => h.Weight), _options.Threshold, hits, [.. outcomes.Where(o => o.Error is not null).Select(o => o.Error!)]);
    }

    /// <summary>Releases the private meter, if any.</summary>
    public void Dispose() => _ownedMeter?.Dispose();

    /// <summary>The query name of an address in a zone: <c>2.0.0.127.zone</c>, or 32 nibbles then the zone for IPv6.</summary>
    public static string QueryName(IPAddress address, string zone)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(zone);
        return DnsName.Reverse(address, DnsName.Normalize(zone));
    }

    private static (DnsblListOptions List, string Zone, DnsblCodeRange[] Codes) Prepare(DnsblListOptions list)
        => (list, DnsName.Normalize(list.Zone), [.. list.Codes.Select(c => DnsblCodeRange.TryParse(c, out var r) ? r : default)]);

    private async Task<(DnsblHit? Hit, DnsblListError? Error)> CheckListAsync(string name, string address, DnsblListOptions list, string zone, DnsblCodeRange[] codes, CancellationToken cancellationToken)
    {
        var zoneTag = new KeyValuePair<string, object?>("zone", zone);
        _lookups.Add(1, zoneTag);
        DnsAnswer answer;
        try
        {
            answer = await _resolver.QueryAsync(name, DnsRecordType.A, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (null, Error(zone, address, "Timeout", "timeout"));
        }

        if (answer.IsNegative)
        {
            return (null, null);
        }

        if (answer.IsFailure)
        {
            return (null, Error(zone, address, answer.Status.ToString(), "dns"));
        }

        var matched = new List<IPAddress>();
        foreach (var code in answer.Records.Select(r => r.Address!))
        {
            var bytes = code.GetAddressBytes();
            if (code.AddressFamily != AddressFamily.InterNetwork || bytes[0] != 127)
            {
                return (null, Error(zone, address, $"answer {code} outside 127.0.0.0/8", "bad-answer"));
            }

            if (bytes[1] == 255 && bytes[2] == 255)
            {
                return (null, Error(zone, address, $"error code {code}", "error-code"));
            }

            if (codes.Length == 0 || codes.Any(c => c.Contains(code)))
            {
                matched.Add(code);
            }
        }

        if (matched.Count == 0)
        {
            return (null, null);
        }

        _listed.Add(1, zoneTag);
        string? reason = null;
        if (list.FetchReason)
        {
            try
            {
                var txt = await _resolver.QueryAsync(name, DnsRecordType.Txt, cancellationToken).ConfigureAwait(false);
                reason = txt.Records.Count > 0 ? txt.Records[0].Text : null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // the listing stands; only its text is missing
            }
        }

        return (new DnsblHit(zone, list.Weight, matched, reason), null);
    }

    private DnsblListError Error(string zone, string address, string reason, string kind)
    {
        _errors.Add(1, new KeyValuePair<string, object?>("zone", zone), new KeyValuePair<string, object?>("kind", kind));
        DnsblLog.ListError(_logger, zone, address, reason);
        return new DnsblListError(zone, reason);
    }
}
