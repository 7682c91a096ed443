using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Evaluates SPF (RFC 7208): <c>check_host()</c> with every mechanism and modifier, macros, and the
/// DNS lookup, void lookup and MX/PTR name limits. Results are values; DNS failures give <see cref="SpfResult.TempError"/>.
/// Thread-safe; one instance serves every connection.
/// </summary>
/// <example>
/// In a MAIL stage: <c>var spf = await evaluator.CheckMailFromAsync(session.ClientAddress, reversePath, session.Helo, ct);</c>
/// then reject on <see cref="SpfResult.Fail"/> with <see cref="SpfCheckResult.Explanation"/> and add <see cref="SpfCheckResult.FormatReceivedSpfHeader"/>.
/// </example>
public sealed class SpfEvaluator
{
    private const int MaxDepth = 20;
    private readonly IDnsResolver _resolver;
    private readonly SpfOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates an evaluator.</summary>
    /// <param name="resolver">The DNS resolver (usually the process's caching <see cref="DnsResolver"/>).</param>
    /// <param name="options">The options; RFC 7208 limits by default. Validated here.</param>
    /// <param name="timeProvider">The clock for the <c>%{t}</c> macro.</param>
    /// <param name="logger">The logger.</param>
    public SpfEvaluator(IDnsResolver resolver, SpfOptions? options = null, TimeProvider? timeProvider = null, ILogger<SpfEvaluator>? logger = null)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _options = options ?? new SpfOptions();
        _options.Validate();
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
    }

    /// <summary>
    /// Checks the MAIL FROM identity (RFC 7208 section 2.4). For the null reverse-path (<c>&lt;&gt;</c>, empty or
    /// <see langword="null"/>) the HELO identity is checked instead, as <c>postmaster@</c><paramref name="helo"/>.
    /// </summary>
    /// <param name="clientAddress">The SMTP client's address.</param>
    /// <param name="mailFrom">The reverse-path without angle brackets, or empty for the null sender.</param>
    /// <param name="helo">The HELO/EHLO name.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public ValueTask<SpfCheckResult> CheckMailFromAsync(IPAddress clientAddress, string? mailFrom, string helo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(helo);
        if (string.IsNullOrEmpty(mailFrom) || mailFrom == "<>")
        {
            return CheckHeloAsync(clientAddress, helo, cancellationToken);
        }

        var at = mailFrom.LastIndexOf('@');
        return CheckAsync(clientAddress, at < 0 ? mailFrom : mailFrom[(at + 1)..], mailFrom, helo, "mailfrom", cancellationToken);
    }

    /// <summary>Checks the HELO identity (RFC 7208 section 2.3): the sender is <c>postmaster@</c><paramref name="helo"/>.</summary>
    public ValueTask<SpfCheckResult> CheckHeloAsync(IPAddress clientAddress, string helo, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(helo);
        return CheckAsync(clientAddress, helo, "postmaster@" + helo, helo, "helo", cancellationToken);
    }

    /// <summary>The <c>check_host()</c> function of RFC 7208 section 4 for any domain and sender.</summary>
    public ValueTask<SpfCheckResult> CheckHostAsync(IPAddress clientAddress, string domain, string sender, string? helo = null, CancellationToken cancellationToken = default)
        => CheckAsync(clientAddress, domain, sender, helo, "mailfrom", cancellationToken);

    private async ValueTask<SpfCheckResult> CheckAsync(IPAddress clientAddress, string domain, string sender, string? helo, string identity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clientAddress);
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(sender);
        var address = clientAddress.IsIPv4MappedToIPv6 ? clientAddress.MapToIPv4() : clientAddress;
        var evaluation = new SpfEvaluation(_resolver, _options, address, sender, helo ?? "unknown", _time.GetUtcNow(), cancellationToken);
        var outcome = await CheckHostAsync(evaluation, domain, 0).ConfigureAwait(false);
        var explanation = outcome.Result == SpfResult.Fail ? outcome.Explanation ?? _options.DefaultExplanation : null;
        var result = new SpfCheckResult(outcome.Result, address, sender, helo, identity, domain, outcome.Mechanism, explanation, outcome.Problem);
        SpfLog.Checked(_logger, identity, domain, address, result.Result, outcome.Mechanism ?? outcome.Problem ?? string.Empty);
        return result;
    }

    private async ValueTask<Outcome> CheckHostAsync(SpfEvaluation e, string domain, int depth)
    {
        if (!DnsName.IsValidDomain(domain, hostCharacters: false))
        {
            return new(SpfResult.None, null, null, $"'{domain}' is not a valid domain name");
        }

        if (depth > MaxDepth)
        {
            return PermError("include/redirect nesting too deep");
        }

        var txt = await e.QueryAsync(domain, DnsRecordType.Txt).ConfigureAwait(false);
        if (txt.IsFailure)
        {
            return TempError($"DNS {txt.Status} looking up TXT {domain}");
        }

        var records = txt.Records.Select(r => r.Text!).Where(SpfRecord.IsSpf1).ToList();
        if (records.Count == 0)
        {
            return new(SpfResult.None, null, null, null);
        }

        if (records.Count > 1)
        {
            return PermError($"{domain} has more than one SPF record");
        }

        if (!SpfRecord.TryParse(records[0], out var record, out var error))
        {
            return PermError($"{domain}: {error}");
        }

        foreach (var mechanism in record.Mechanisms)
        {
            if (mechanism.UsesDns && ++e.Lookups > _options.DnsLookupLimit)
            {
                return PermError($"more than {_options.DnsLookupLimit} DNS lookups");
            }

            var (matched, failure) = await MatchAsync(e, mechanism, domain, depth).ConfigureAwait(false);
            if (failure is { } f)
            {
                return f;
            }

            if (matched)
            {
                var explanation = mechanism.Result == SpfResult.Fail ? await ExplainAsync(e, record, domain).ConfigureAwait(false) : null;
                return new(mechanism.Result, mechanism.Text, explanation, null);
            }
        }

        if (record.Redirect is { } redirect)
        {
            if (++e.Lookups > _options.DnsLookupLimit)
            {
                return PermError($"more than {_options.DnsLookupLimit} DNS lookups");
            }

            var target = await SpfMacro.ExpandDomainAsync(redirect, e, domain).ConfigureAwait(false);
            var redirected = await CheckHostAsync(e, target, depth + 1).ConfigureAwait(false);
            return redirected.Result == SpfResult.None ? PermError($"redirect={target} has no SPF record") : redirected;
        }

        return new(SpfResult.Neutral, "default", null, null);
    }

    private async ValueTask<(bool Matched, Outcome? Failure)> MatchAsync(SpfEvaluation e, SpfMechanism m, string domain, int depth)
    {
        switch (m.Kind)
        {
            case SpfMechanismKind.All:
                return (true, null);
            case SpfMechanismKind.Ip4 or SpfMechanismKind.Ip6:
                return (e.IsIPv4 == (m.Kind == SpfMechanismKind.Ip4) && InNetwork(e.Address, m.Network!, e.IsIPv4 ? m.Cidr4 : m.Cidr6), null);
            case SpfMechanismKind.A:
            {
                var target = await TargetAsync(e, m, domain).ConfigureAwait(false);
                var answer = await e.QueryAddressesAsync(target).ConfigureAwait(false);
                return Check(answer) ?? (AnyInNetwork(e, answer, m), null);
            }

            case SpfMechanismKind.Mx:
            {
                var target = await TargetAsync(e, m, domain).ConfigureAwait(false);
                var mx = await e.QueryAsync(target, DnsRecordType.Mx).ConfigureAwait(false);
                if (Check(mx) is { } mxFailure)
                {
                    return mxFailure;
                }

                if (mx.Records.Count > _options.NameLookupLimit)
                {
                    return (false, PermError($"{target} has more than {_options.NameLookupLimit} MX records"));
                }

                foreach (var exchange in mx.Records.Where(r => r.Host!.Length > 0))
                {
                    var answer = await e.QueryAddressesAsync(exchange.Host!).ConfigureAwait(false);
                    if (answer.IsFailure)
                    {
                        return (false, TempError($"DNS {answer.Status} looking up {exchange.Host}"));
                    }

                    if (AnyInNetwork(e, answer, m))
                    {
                        return (true, null);
                    }
                }

                return (false, null);
            }

            case SpfMechanismKind.Ptr:
            {
                var (names, voidPtr) = await e.ValidatedNamesAsync().ConfigureAwait(false);
                if (voidPtr && ++e.VoidLookups > _options.VoidLookupLimit)
                {
                    return (false, VoidLimit());
                }

                var target = DnsName.Normalize(await TargetAsync(e, m, domain).ConfigureAwait(false));
                return (names.Any(n => DnsName.IsAtOrBelow(n, target)), null);
            }

            case SpfMechanismKind.Exists:
            {
                var target = await TargetAsync(e, m, domain).ConfigureAwait(false);
                var answer = await e.QueryAsync(target, DnsRecordType.A).ConfigureAwait(false);
                return Check(answer) ?? (answer.IsSuccess, null);
            }

            default: // include
            {
                var target = await TargetAsync(e, m, domain).ConfigureAwait(false);
                var included = await CheckHostAsync(e, target, depth + 1).ConfigureAwait(false);
                return included.Result switch
                {
                    SpfResult.Pass => (true, null),
                    SpfResult.TempError or SpfResult.PermError => (false, included with { Explanation = null }),
                    SpfResult.None => (false, PermError($"include:{target} has no SPF record")),
                    _ => (false, null),
                };
            }
        }

        // Maps a DNS failure to temperror and counts a void answer; null means "go on".
        (bool, Outcome?)? Check(DnsAnswer answer)
        {
            if (answer.IsFailure)
            {
                return (false, TempError($"DNS {answer.Status} looking up {answer.Type} {answer.Name}"));
            }

            if (answer.IsNegative && ++e.VoidLookups > _options.VoidLookupLimit)
            {
                return (false, VoidLimit());
            }

            return null;
        }
    }

    private Outcome VoidLimit() => PermError($"more than {_options.VoidLookupLimit} void DNS lookups");

    private static async ValueTask<string> TargetAsync(SpfEvaluation e, SpfMechanism m, string domain)
        => m.DomainSpec is null ? domain : await SpfMacro.ExpandDomainAsync(m.DomainSpec, e, domain).ConfigureAwait(false);

    private static bool AnyInNetwork(SpfEvaluation e, DnsAnswer answer, SpfMechanism m)
        => answer.Records.Any(r => InNetwork(e.Address, r.Address!, e.IsIPv4 ? m.Cidr4 : m.Cidr6));

    // RFC 7208 section 8.6 with a "none" for an invalid explanation: any problem means the default text.
    private static async ValueTask<string?> ExplainAsync(SpfEvaluation e, SpfRecord record, string domain)
    {
        if (record.Explanation is null)
        {
            return null;
        }

        var target = await SpfMacro.ExpandDomainAsync(record.Explanation, e, domain).ConfigureAwait(false);
        if (!DnsName.IsValidDomain(target, hostCharacters: false))
        {
            return null;
        }

        var txt = await e.QueryAsync(target, DnsRecordType.Txt).ConfigureAwait(false);
        if (txt.Records.Count != 1 || !SpfMacro.IsValid(txt.Records[0].Text!, explanation: true))
        {
            return null;
        }

        return await SpfMacro.ExpandAsync(txt.Records[0].Text!, e, domain, explanation: true).ConfigureAwait(false);
    }

    private static bool InNetwork(IPAddress address, IPAddress network, int prefixLength)
    {
        if (network.IsIPv4MappedToIPv6)
        {
            network = network.MapToIPv4();
        }

        if (address.AddressFamily != network.AddressFamily)
        {
            return false;
        }

        Span<byte> a = stackalloc byte[16];
        Span<byte> n = stackalloc byte[16];
        address.TryWriteBytes(a, out var length);
        network.TryWriteBytes(n, out _);
        for (var i = 0; i < length && prefixLength > 0; i++, prefixLength -= 8)
        {
            var mask = prefixLength >= 8 ? 0xFF : (byte)(0xFF << (8 - prefixLength));
            if ((a[i] & mask) != (n[i] & mask))
            {
                return false;
            }
        }

        return true;
    }

    private static Outcome PermError(string problem) => new(SpfResult.PermError, null, null, problem);

    private static Outcome TempError(string problem) => new(SpfResult.TempError, null, null, problem);

    private readonly record struct Outcome(SpfResult Result, string? Mechanism, string? Explanation, string? Problem);
}
