using System.Collections.Concurrent;
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
    /// <summary>The most client addresses whose query names are kept.</summary>
    internal const int MaxCachedAddresses = 1024;

    /// <summary>The most idle lookup budgets kept for reuse.</summary>
    private const int MaxPooledBudgets = 64;

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
    private readonly ConcurrentDictionary<IPAddress, string[]> _queryNames = new();
    private readonly ConcurrentQueue<CancellationTokenSource> _budgets = new();
    private int _queryNameCount;
    private int _pooledBudgets;

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
        var names = QueryNames(address);
        var budget = RentBudget();
        var link = cancellationToken.UnsafeRegister(static s => ((CancellationTokenSource)s!).Cancel(), budget);
        (DnsblHit? Hit, DnsblListError? Error)[] outcomes;
        try
        {
            var pending = new ValueTask<(DnsblHit? Hit, DnsblListError? Error)>[_lists.Count];
            for (var i = 0; i < pending.Length; i++)
            {
                var (list, zone, codes) = _lists[i];
                pending[i] = CheckListAsync(names[i], address, list, zone, codes, budget.Token);
            }

            outcomes = await WhenAllAsync(pending).ConfigureAwait(false);
        }
        finally
        {
            await link.DisposeAsync().ConfigureAwait(false);
            ReturnBudget(budget);
        }

        cancellationToken.ThrowIfCancellationRequested();

        var hits = Collect(outcomes, static o => o.Hit);
        var errors = Collect(outcomes, static o => o.Error);
        var score = 0;
        foreach (var hit in hits)
        {
            score += hit.Weight;
        }

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
        var outcomes = await Task.WhenAll(_domainLists.Select(l => CheckListAsync(name + "." + l.Zone, name, l.List, l.Zone, l.Codes, linked.Token).AsTask())).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        var hits = outcomes.Where(o => o.Hit is not null).Select(o => o.Hit!).ToList();
        return new DnsblDomainResult(name, hits.Sum(h => h.Weight), _options.Threshold, hits, [.. outcomes.Where(o => o.Error is not null).Select(o => o.Error!)]);
    }

    /// <summary>Releases the private meter, if any, and the idle lookup budgets.</summary>
    public void Dispose()
    {
        _ownedMeter?.Dispose();
        while (_budgets.TryDequeue(out var budget))
        {
            budget.Dispose();
        }
    }

    /// <summary>The query name of an address in a zone: <c>2.0.0.127.zone</c>, or 32 nibbles then the zone for IPv6.</summary>
    public static string QueryName(IPAddress address, string zone)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(zone);
        return DnsName.Reverse(address, DnsName.Normalize(zone));
    }

    private static (DnsblListOptions List, string Zone, DnsblCodeRange[] Codes) Prepare(DnsblListOptions list)
        => (list, DnsName.Normalize(list.Zone), [.. list.Codes.Select(c => DnsblCodeRange.TryParse(c, out var r) ? r : default)]);

    /// <summary>The outcomes of lookups started together; those that finished at once cost no task.</summary>
    private static async ValueTask<T[]> WhenAllAsync<T>(ValueTask<T>[] pending)
    {
        var results = new T[pending.Length];
        var allDone = true;
        foreach (var p in pending)
        {
            allDone &= p.IsCompletedSuccessfully;
        }

        if (allDone)
        {
            for (var i = 0; i < pending.Length; i++)
            {
                results[i] = await pending[i].ConfigureAwait(false); // completed: no wait
            }

            return results;
        }

        return await Task.WhenAll(pending.Select(p => p.AsTask())).ConfigureAwait(false);
    }

    /// <summary>The non-null picks of <paramref name="outcomes"/>; an empty array (no list) when there are none, the common case.</summary>
    private static IReadOnlyList<T> Collect<T>((DnsblHit? Hit, DnsblListError? Error)[] outcomes, Func<(DnsblHit? Hit, DnsblListError? Error), T?> pick)
        where T : class
    {
        List<T>? picked = null;
        foreach (var outcome in outcomes)
        {
            if (pick(outcome) is { } item)
            {
                (picked ??= []).Add(item);
            }
        }

        return picked ?? (IReadOnlyList<T>)[];
    }

    /// <summary>
    /// The query names of <paramref name="address"/> in every list, cached per address (up to
    /// <see cref="MaxCachedAddresses"/>): a client that comes back costs no string.
    /// </summary>
    private string[] QueryNames(IPAddress address)
    {
        if (_queryNames.TryGetValue(address, out var cached))
        {
            return cached;
        }

        var names = new string[_lists.Count];
        for (var i = 0; i < names.Length; i++)
        {
            names[i] = DnsName.Reverse(address, _lists[i].Zone);
        }

        if (Interlocked.Increment(ref _queryNameCount) > MaxCachedAddresses)
        {
            // full: start over rather than track ages (a burst of new clients costs what it did before the cache)
            _queryNames.Clear();
            Interlocked.Exchange(ref _queryNameCount, 1);
        }

        _queryNames[address] = names;
        return names;
    }

    /// <summary>A lookup time budget armed with <see cref="DnsblOptions.Timeout"/>, reused across checks.</summary>
    private CancellationTokenSource RentBudget()
    {
        if (!_budgets.TryDequeue(out var budget))
        {
            budget = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        }
        else
        {
            Interlocked.Decrement(ref _pooledBudgets);
        }

        budget.CancelAfter(_options.Timeout);
        return budget;
    }

    /// <summary>Disarms and keeps <paramref name="budget"/> unless it fired (or the caller cancelled through it).</summary>
    private void ReturnBudget(CancellationTokenSource budget)
    {
        if (budget.TryReset())
        {
            if (Interlocked.Increment(ref _pooledBudgets) <= MaxPooledBudgets)
            {
                _budgets.Enqueue(budget);
                return;
            }

            Interlocked.Decrement(ref _pooledBudgets);
        }

        budget.Dispose();
    }

    private async ValueTask<(DnsblHit? Hit, DnsblListError? Error)> CheckListAsync(string name, object address, DnsblListOptions list, string zone, DnsblCodeRange[] codes, CancellationToken cancellationToken)
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

    private DnsblListError Error(string zone, object address, string reason, string kind)
    {
        _errors.Add(1, new KeyValuePair<string, object?>("zone", zone), new KeyValuePair<string, object?>("kind", kind));
        DnsblLog.ListError(_logger, zone, address.ToString() ?? string.Empty, reason);
        return new DnsblListError(zone, reason);
    }
}
