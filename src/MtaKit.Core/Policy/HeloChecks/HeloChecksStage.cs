using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace MtaKit;

/// <summary>
/// Checks the HELO/EHLO name: a client claiming to be us gets <c>550 5.7.1</c>; a name that is neither a
/// domain nor an address literal gets <c>501 5.5.2</c> or a score; the client's forward-confirmed reverse DNS is
/// looked up once per connection. The <see cref="HeloCheckResult"/> is stored on <see cref="SmtpSession.Properties"/>.
/// A DNS failure never blocks.
/// </summary>
public sealed partial class HeloChecksStage : IHeloStage
{
    private const string StageName = "helo";
    private readonly IDnsResolver _resolver;
    private readonly HeloChecksOptions _options;
    private readonly ILogger _logger;
    private readonly PolicyMetrics _metrics;

    /// <summary>Creates the stage.</summary>
    /// <param name="resolver">The DNS resolver (FCrDNS).</param>
    /// <param name="options">The options; validated here (<see cref="ArgumentException"/> lists every problem).</param>
    /// <param name="logger">The logger.</param>
    /// <param name="meterFactory">Creates the "MtaKit" meter; a shared one by default.</param>
    public HeloChecksStage(IDnsResolver resolver, HeloChecksOptions? options = null, ILogger<HeloChecksStage>? logger = null, IMeterFactory? meterFactory = null)
    {
        _resolver = resolver ?? throw new ArgumentNullException(nameof(resolver));
        _options = options ?? new HeloChecksOptions();
        var errors = _options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid HELO check options: " + string.Join(" ", errors));
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
        _metrics = new PolicyMetrics(meterFactory);
    }

    /// <inheritdoc/>
    public async ValueTask<SmtpVerdict> OnHeloAsync(HeloContext context, StageDelegate<HeloContext> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var session = context.Session;
        var name = context.HeloName;
        var literal = ParseAddressLiteral(name);
        var isValid = literal is not null || DnsName.IsValidDomain(name, hostCharacters: true);
        if (_options.RejectOurIdentity && ClaimsOurIdentity(name, literal, session))
        {
            _metrics.Count(StageName, "reject");
            LogRejected(_logger, session.RemoteEndPoint.Address, name, "claims our identity");
            return SmtpVerdict.Reject(550, "5.7.1", "You are not me", $"helo {name} claims our identity");
        }

        var score = 0;
        if (!isValid)
        {
            if (_options.InvalidSyntaxAction == HeloSyntaxAction.Reject)
            {
                _metrics.Count(StageName, "reject");
                LogRejected(_logger, session.RemoteEndPoint.Address, name, "invalid syntax");
                return SmtpVerdict.Reject(new SmtpReply(501, "5.5.2", "Invalid HELO name: a domain name or address literal is required"), $"helo {name} invalid");
            }

            score += _options.InvalidSyntaxScore;
        }

        var (fcrdns, verified) = _options.CheckFcrdns ? await FcrdnsAsync(session, context.Aborted).ConfigureAwait(false) : (FcrdnsStatus.NotChecked, null);
        if (fcrdns == FcrdnsStatus.Fail)
        {
            score += _options.FcrdnsFailScore;
        }

        session.Properties.Set(new HeloCheckResult(name, isValid, fcrdns, verified, score));
        _metrics.Count(StageName, score == 0 ? "pass" : "score");
        return await next(context).ConfigureAwait(false);
    }

    /// <summary>The address of <c>[192.0.2.1]</c> or <c>[IPv6:2001:db8::1]</c>, else <see langword="null"/>.</summary>
    internal static IPAddress? ParseAddressLiteral(string name)
    {
        if (name.Length < 3 || name[0] != '[' || name[^1] != ']')
        {
            return null;
        }

        var inner = name[1..^1];
        if (inner.StartsWith("IPv6:", StringComparison.OrdinalIgnoreCase))
        {
            return IPAddress.TryParse(inner[5..], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        }

        return inner.Count(c => c == '.') == 3 && IPAddress.TryParse(inner, out var v4) && v4.AddressFamily == AddressFamily.InterNetwork ? v4 : null;
    }

    private bool ClaimsOurIdentity(string name, IPAddress? literal, SmtpSession session)
    {
        if (literal is not null)
        {
            var local = session.LocalEndPoint.Address;
            return Unmap(literal).Equals(Unmap(local));
        }

        var normal = name.TrimEnd('.');
        return string.Equals(normal, session.ServerName.TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
            || _options.OurNames.Any(n => string.Equals(normal, n.Trim().TrimEnd('.'), StringComparison.OrdinalIgnoreCase));
    }

    private static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private async ValueTask<(FcrdnsStatus Status, string? Name)> FcrdnsAsync(SmtpSession session, CancellationToken cancellationToken)
    {
        // A second EHLO (after STARTTLS) reuses the first lookup.
        if (session.Properties.TryGet<HeloCheckResult>(out var earlier))
        {
            return (earlier.Fcrdns, earlier.VerifiedName);
        }

        var address = Unmap(session.RemoteEndPoint.Address);
        var ptr = await _resolver.LookupPtrAsync(address, cancellationToken).ConfigureAwait(false);
        if (ptr.IsFailure)
        {
            return DnsFailed(address, ptr.Status);
        }

        var failure = DnsStatus.Success;
        foreach (var host in ptr.Records.Take(_options.MaxPtrNames))
        {
            var forward = address.AddressFamily == AddressFamily.InterNetwork
                ? await _resolver.LookupAAsync(host, cancellationToken).ConfigureAwait(false)
                : await _resolver.LookupAaaaAsync(host, cancellationToken).ConfigureAwait(false);
            if (forward.Records.Any(a => Unmap(a).Equals(address)))
            {
                return (FcrdnsStatus.Pass, DnsName.Normalize(host));
            }

            if (forward.IsFailure)
            {
                failure = forward.Status;
            }
        }

        return failure == DnsStatus.Success ? (FcrdnsStatus.Fail, null) : DnsFailed(address, failure);
    }

    private (FcrdnsStatus, string?) DnsFailed(IPAddress address, DnsStatus status)
    {
        _metrics.CountDnsFailure(StageName);
        LogFcrdnsFailed(_logger, address, status);
        return (FcrdnsStatus.TempError, null);
    }

    [LoggerMessage(EventId = 4020, Level = LogLevel.Information, Message = "HELO {Name} from {Address} refused: {Reason}")]
    private static partial void LogRejected(ILogger logger, IPAddress address, string name, string reason);

    [LoggerMessage(EventId = 4021, Level = LogLevel.Warning, Message = "FCrDNS of {Address}: DNS failed ({Status}); not scored")]
    private static partial void LogFcrdnsFailed(ILogger logger, IPAddress address, DnsStatus status);
}
