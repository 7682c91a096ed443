namespace MtaKit;

/// <summary>
/// Checks that a (sender) domain can receive mail: MX records, or without them an A/AAAA record (the
/// implicit MX of RFC 5321 section 5.1); NXDOMAIN, a null MX (RFC 7505) or no mail host at all mean it cannot;
/// DNS failures are temporary. Thread-safe.
/// </summary>
/// <param name="resolver">The DNS resolver.</param>
public sealed class MailDomainChecker(IDnsResolver resolver)
{
    private readonly IDnsResolver _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));

    /// <summary>Checks a domain (the part of the reverse-path after <c>@</c>).</summary>
    /// <param name="domain">The domain; a trailing dot is allowed.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    public async ValueTask<MailDomainCheckResult> CheckAsync(string domain, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(domain);
        var name = DnsName.Normalize(domain);
        if (!DnsName.IsValidDomain(name, hostCharacters: true))
        {
            return new(name, MailDomainStatus.Invalid, DnsStatus.Error);
        }

        var mx = await _resolver.QueryAsync(name, DnsRecordType.Mx, cancellationToken).ConfigureAwait(false);
        switch (mx.Status)
        {
            case DnsStatus.Success:
                return mx.Records.All(r => r.Host!.Length == 0)
                    ? new(name, MailDomainStatus.NullMx, DnsStatus.Success)
                    : new(name, MailDomainStatus.Exists, DnsStatus.Success);
            case DnsStatus.NxDomain:
                return new(name, MailDomainStatus.NoSuchDomain, DnsStatus.NxDomain);
            case DnsStatus.NoData:
                break;
            default:
                return new(name, MailDomainStatus.TemporaryFailure, mx.Status);
        }

        var a = _resolver.QueryAsync(name, DnsRecordType.A, cancellationToken).AsTask();
        var aaaa = _resolver.QueryAsync(name, DnsRecordType.Aaaa, cancellationToken).AsTask();
        var answers = await Task.WhenAll(a, aaaa).ConfigureAwait(false);
        if (answers.Any(x => x.IsSuccess))
        {
            return new(name, MailDomainStatus.Exists, DnsStatus.Success);
        }

        return answers.FirstOrDefault(x => x.IsFailure) is { } failed
            ? new(name, MailDomainStatus.TemporaryFailure, failed.Status)
            : new(name, MailDomainStatus.NoMailHost, DnsStatus.NoData);
    }
}
