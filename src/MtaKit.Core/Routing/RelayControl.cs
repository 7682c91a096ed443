using System.Net;

namespace MtaKit.Routing;

/// <summary>Options of the default <see cref="IRelayControl"/>.</summary>
public sealed class RelayControlOptions
{
    /// <summary>Domains this host takes mail for from anyone. A <c>*</c> pattern here is only for authorised clients.</summary>
    public IReadOnlyList<DomainPattern> LocalDomains { get; init; } = [];

    /// <summary>Client networks that may relay to any domain (CIDR).</summary>
    public IReadOnlyList<IPNetwork> RelayNetworks { get; init; } = [];

    /// <summary>Whether an authenticated client may relay. <value>The default value is <see langword="true"/>.</value></summary>
    public bool AuthenticatedMayRelay { get; init; } = true;
}

/// <summary>
/// The default relay control: local domains for everyone; other domains only for relay networks,
/// authenticated clients or a stage's <see cref="RcptContext.AuthorizeRelay"/>. Open-relay tricks
/// (source routes, <c>%</c> or <c>!</c> in the local part, quoted local parts holding <c>@</c>,
/// address literals) never pass for unauthorised clients.
/// </summary>
public sealed class RelayControl : IRelayControl
{
    private static readonly ValueTask<SmtpVerdict> Accepted = new(SmtpVerdict.Accept());
    private readonly RelayControlOptions _options;

    /// <summary>Creates the relay control.</summary>
    public RelayControl(RelayControlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    /// <inheritdoc/>
    public ValueTask<SmtpVerdict> CheckAsync(RcptContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Recipient.IsPostmasterWithoutDomain || IsAuthorised(context))
        {
            return Accepted;
        }

        var rcpt = context.Recipient;
        var trick = context.HadSourceRoute ? "source route"
            : rcpt.IsAddressLiteral ? "address literal"
            : rcpt.LocalPart.Contains('%', StringComparison.Ordinal) ? "%-hack"
            : rcpt.LocalPart.Contains('!', StringComparison.Ordinal) ? "!-path"
            : rcpt.IsQuotedLocalPart && rcpt.LocalPart.Contains('@', StringComparison.Ordinal) ? "quoted @"
            : null;
        if (trick is null)
        {
            var local = _options.LocalDomains; // indexed: no boxed enumerator per recipient
            for (var i = 0; i < local.Count; i++)
            {
                if (!local[i].IsAny && local[i].Matches(rcpt.AsciiDomain))
                {
                    return Accepted;
                }
            }
        }

        return new(SmtpVerdict.Reject(550, "5.7.1", "Relaying denied", trick is null ? "relay denied: not a local domain" : "relay denied: " + trick));
    }

    private bool IsAuthorised(RcptContext context)
    {
        if (context.RelayAuthorization is not null)
        {
            return true;
        }

        if (_options.AuthenticatedMayRelay && context.Session.AuthenticatedUser is not null)
        {
            return true;
        }

        var address = context.Session.RemoteEndPoint.Address;
        foreach (var network in _options.RelayNetworks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
