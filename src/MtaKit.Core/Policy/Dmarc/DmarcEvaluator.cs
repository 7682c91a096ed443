using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace MtaKit;

/// <summary>
/// Evaluates DMARC (RFC 7489): finds the policy record of the From domain (<c>_dmarc.</c>domain, then its organisational
/// domain from the <see cref="PublicSuffixList"/>), checks SPF and DKIM alignment (strict or relaxed), and picks the policy
/// (<c>p=</c>/<c>sp=</c>, sampled by <c>pct=</c> with an injectable <see cref="Random"/>). DNS failures give
/// <see cref="DmarcResult.TempError"/>, never a failure. Thread-safe when the <see cref="Random"/> is (the default one is).
/// </summary>
public sealed class DmarcEvaluator
{
    private static readonly Meter Meter = new("MtaKit");
    private static readonly Counter<long> ResultCounter = Meter.CreateCounter<long>("mtakit.dmarc.results", description: "DMARC evaluations, tagged result");
    private readonly IDnsResolver _resolver;
    private readonly PublicSuffixList _suffixes;
    private readonly Random _random;
    private readonly ILogger _logger;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="resolver">The DNS resolver.</param>
    /// <param name="publicSuffixList">The list for organisational domains; <see cref="PublicSuffixList.Default"/> when <see langword="null"/>.</param>
    /// <param name="random">The sampler for <c>pct=</c>; <see cref="Random.Shared"/> when <see langword="null"/>.</param>
    /// <param name="logger">The logger.</param>
    public DmarcEvaluator(IDnsResolver resolver, PublicSuffixList? publicSuffixList = null, Random? random = null, ILogger<DmarcEvaluator>? logger = null)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _suffixes = publicSuffixList ?? PublicSuffixList.Default;
        _random = random ?? Random.Shared;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>The list used for organisational domains.</summary>
    public PublicSuffixList PublicSuffixList => _suffixes;

    /// <summary>
    /// Finds the single RFC 5322 From domain of a header section (RFC 7489 section 6.6.1): <see langword="null"/> with a
    /// <paramref name="problem"/> when there is no From field, more than one, or its mailboxes do not share one domain.
    /// </summary>
    public static string? GetFromDomain(HeaderList headers, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(headers);
        var fields = headers.Where(h => h.Id == HeaderId.From).ToList();
        if (fields.Count != 1)
        {
            problem = fields.Count == 0 ? "the message has no From field" : "the message has more than one From field";
            return null;
        }

        if (!InternetAddressList.TryParse(ParserOptions.Default, fields[0].RawValue, out var addresses))
        {
            problem = "the From field cannot be parsed";
            return null;
        }

        var domains = addresses.Mailboxes.Select(m => m.Domain.Trim().TrimEnd('.').ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
        if (domains.Count != 1 || domains[0].Length == 0 || !DnsName.IsValidDomain(domains[0], hostCharacters: false))
        {
            problem = domains.Count > 1 ? "the From field names more than one domain" : "the From field has no valid domain";
            return null;
        }

        problem = null;
        return domains[0];
    }

    /// <summary>Evaluates DMARC for a From domain given the SPF and DKIM results of the message.</summary>
    /// <param name="fromDomain">The RFC 5322 From domain (see <see cref="GetFromDomain"/>).</param>
    /// <param name="spf">The SPF result of the transaction (its <see cref="SpfCheckResult.Domain"/> is the SPF-authenticated identifier), or <see langword="null"/>.</param>
    /// <param name="dkim">The DKIM results, or <see langword="null"/>.</param>
    /// <param name="cancellationToken">Cancels the lookups.</param>
    public async ValueTask<DmarcCheckResult> CheckAsync(string fromDomain, SpfCheckResult? spf, DkimCheckResult? dkim, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(fromDomain);
        var from = fromDomain.Trim().TrimEnd('.').ToLowerInvariant();
        var result = await EvaluateAsync(from, spf, dkim, cancellationToken).ConfigureAwait(false);
        DmarcLog.Evaluated(_logger, from, result);
        ResultCounter.Add(1, new KeyValuePair<string, object?>("result", DmarcCheckResult.ResultName(result.Result)));
        return result;
    }

    /// <summary>A result for a message without a single From domain (counted and logged like the others).</summary>
    public DmarcCheckResult NoFromDomain(string problem)
    {
        var result = new DmarcCheckResult(DmarcResult.PermError, null, null, null, null, DmarcPolicy.None, false, false, problem);
        ResultCounter.Add(1, new KeyValuePair<string, object?>("result", "permerror"));
        DmarcLog.Evaluated(_logger, "-", result);
        return result;
    }

    /// <summary>True when <paramref name="domain"/> is aligned with <paramref name="fromDomain"/> under <paramref name="mode"/>.</summary>
    public bool IsAligned(string domain, string fromDomain, DmarcAlignment mode)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(fromDomain);
        var a = domain.Trim().TrimEnd('.');
        var b = fromDomain.Trim().TrimEnd('.');
        return a.Length > 0 && (string.Equals(a, b, StringComparison.OrdinalIgnoreCase)
            || mode == DmarcAlignment.Relaxed && string.Equals(_suffixes.GetOrganizationalDomain(a), _suffixes.GetOrganizationalDomain(b), StringComparison.Ordinal));
    }

    private async ValueTask<DmarcCheckResult> EvaluateAsync(string from, SpfCheckResult? spf, DkimCheckResult? dkim, CancellationToken cancellationToken)
    {
        var (record, policyDomain, lookupResult, problem) = await DiscoverAsync(from, cancellationToken).ConfigureAwait(false);
        if (record is null)
        {
            return new DmarcCheckResult(lookupResult, from, policyDomain, null, null, DmarcPolicy.None, false, false, problem);
        }

        var requested = policyDomain != from && record.SubdomainPolicy is { } sp ? sp : record.Policy;
        var spfAligned = spf is { Result: SpfResult.Pass } && IsAligned(spf.Domain, from, record.SpfAlignment);
        var signatures = dkim?.Signatures ?? [];
        var dkimAligned = signatures.Any(s => s.Result == DkimResult.Pass && IsAligned(s.Domain, from, record.DkimAlignment));
        if (spfAligned || dkimAligned)
        {
            return new DmarcCheckResult(DmarcResult.Pass, from, policyDomain, record, requested, DmarcPolicy.None, spfAligned, dkimAligned, null);
        }

        // A transient failure of a check that could have passed aligned keeps the result open (RFC 7489 section 6.6.2).
        var spfTemp = spf is { Result: SpfResult.TempError } && IsAligned(spf.Domain, from, record.SpfAlignment);
        var dkimTemp = signatures.FirstOrDefault(s => s.Result == DkimResult.TempError && IsAligned(s.Domain, from, record.DkimAlignment));
        if (spfTemp || dkimTemp is not null)
        {
            var why = spfTemp ? $"SPF temperror for {spf!.Domain}" : $"DKIM temperror for d={dkimTemp!.Domain}: {dkimTemp.Problem}";
            return new DmarcCheckResult(DmarcResult.TempError, from, policyDomain, record, requested, DmarcPolicy.None, false, false, why);
        }

        var applied = requested;
        if (record.Percent < 100 && _random.Next(100) >= record.Percent)
        {
            applied = requested switch
            {
                DmarcPolicy.Reject => DmarcPolicy.Quarantine,
                _ => DmarcPolicy.None,
            };
        }

        return new DmarcCheckResult(DmarcResult.Fail, from, policyDomain, record, requested, applied, false, false, null);
    }

    // RFC 7489 section 6.6.3: _dmarc.<from>, then _dmarc.<organisational domain>; exactly one v=DMARC1 record counts.
    private async ValueTask<(DmarcRecord? Record, string? Domain, DmarcResult Result, string? Problem)> DiscoverAsync(string from, CancellationToken cancellationToken)
    {
        var organizational = _suffixes.GetOrganizationalDomain(from);
        foreach (var domain in organizational == from ? [from] : new[] { from, organizational })
        {
            var name = "_dmarc." + domain;
            var answer = await _resolver.QueryAsync(name, DnsRecordType.Txt, cancellationToken).ConfigureAwait(false);
            if (answer.IsFailure)
            {
                return (null, domain, DmarcResult.TempError, $"DNS {answer.Status} looking up TXT {name}");
            }

            var records = answer.Records.Select(r => r.Text!).Where(DmarcRecord.IsDmarc1).ToList();
            if (records.Count > 1)
            {
                return (null, domain, DmarcResult.None, $"{name} has more than one DMARC record");
            }

            if (records.Count == 1)
            {
                return DmarcRecord.TryParse(records[0], out var record, out var error)
                    ? (record, domain, DmarcResult.None, null)
                    : (null, domain, DmarcResult.PermError, $"{name}: {error}");
            }
        }

        return (null, null, DmarcResult.None, $"no DMARC record for {from}");
    }
}
