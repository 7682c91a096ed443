using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Finds the MTA-STS policy of a recipient domain (RFC 8461 section 5.1): the <c>_mta-sts</c> TXT record's id,
/// a cached policy while it is younger than its <c>max_age</c> and the id is unchanged, else a fresh fetch.
/// When the TXT record is missing or DNS or the fetch fails, an unexpired cached policy still applies
/// (so an attacker who blocks them cannot downgrade delivery). Thread-safe.
/// </summary>
public sealed class MtaStsResolver
{
    private readonly IDnsResolver _dns;
    private readonly IMtaStsPolicyFetcher _fetcher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, (MtaStsPolicy Policy, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    /// <summary>Creates a resolver.</summary>
    /// <param name="dns">Looks up the <c>_mta-sts</c> TXT records.</param>
    /// <param name="fetcher">Fetches policy bodies.</param>
    /// <param name="timeProvider">The clock of the policy cache.</param>
    /// <param name="logger">Where policy changes and failures are logged.</param>
    public MtaStsResolver(IDnsResolver dns, IMtaStsPolicyFetcher fetcher, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(dns);
        ArgumentNullException.ThrowIfNull(fetcher);
        _dns = dns;
        _fetcher = fetcher;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Returns the policy that applies to <paramref name="domain"/> now, or <see langword="null"/> when it has none.</summary>
    /// <param name="domain">The recipient domain (A-label form).</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async ValueTask<MtaStsPolicy?> GetPolicyAsync(string domain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = DnsName.Normalize(domain);
        var now = _time.GetUtcNow();
        MtaStsPolicy? cached = _cache.TryGetValue(name, out var entry) && entry.Expires > now ? entry.Policy : null;

        var txt = await _dns.LookupTxtAsync("_mta-sts." + name, cancellationToken).ConfigureAwait(false);
        var valid = txt.Records.Where(r => r.StartsWith("v=STSv1", StringComparison.Ordinal)).ToList();
        string? id = valid.Count == 1 ? MtaStsPolicy.ParseTxtId(valid[0]) : null;
        if (id is null)
        {
            if (cached is not null)
            {
                MtaStsLog.UsingCached(_logger, name, txt.IsFailure ? $"TXT lookup {txt.Status}" : "no valid TXT record", cached.Id);
            }

            return cached;
        }

        if (cached is not null && cached.Id == id)
        {
            return cached;
        }

        var body = await _fetcher.FetchAsync(name, cancellationToken).ConfigureAwait(false);
        if (body is null)
        {
            return cached;
        }

        if (!MtaStsPolicy.TryParse(body, out var policy, out var error))
        {
            MtaStsLog.InvalidPolicy(_logger, name, error);
            return cached;
        }

        policy = policy with { Id = id };
        MtaStsLog.PolicyFetched(_logger, name, id, policy.Mode, policy.MaxAge, string.Join(' ', policy.MxPatterns));
        _cache[name] = (policy, now + policy.MaxAge);
        return policy;
    }
}
