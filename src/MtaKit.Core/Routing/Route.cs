namespace MtaKit.Routing;

/// <summary>TLS use towards a route's next hops.</summary>
public enum RouteTlsMode
{
    /// <summary>Never STARTTLS.</summary>
    None,

    /// <summary>STARTTLS when offered; plaintext otherwise.</summary>
    Opportunistic,

    /// <summary>STARTTLS or a temporary failure.</summary>
    Required,
}

/// <summary>TLS settings of a route.</summary>
public sealed record RouteTls
{
    /// <summary>When to use STARTTLS. <value>The default value is <see cref="RouteTlsMode.Opportunistic"/>.</value></summary>
    public RouteTlsMode Mode { get; init; } = RouteTlsMode.Opportunistic;

    /// <summary>Validate the peer's certificate (name and chain). <value>The default value is <see langword="false"/> (opportunistic TLS cannot authenticate).</value></summary>
    public bool Validate { get; init; }
}

/// <summary>Credentials for a smarthost.</summary>
public sealed record RouteAuth
{
    /// <summary>The user name.</summary>
    public required string UserName { get; init; }

    /// <summary>The password.</summary>
    public required string Password { get; init; }
}

/// <summary>Where mail for some domains goes. Immutable.</summary>
public sealed record Route
{
    /// <summary>A name for logs (the first domain pattern by default).</summary>
    public string Name => Domains.Count > 0 ? Domains[0].Normalised : "(none)";

    /// <summary>The domains this route serves.</summary>
    public required IReadOnlyList<DomainPattern> Domains { get; init; }

    /// <summary>The next hops, by priority.</summary>
    public required IReadOnlyList<NextHop> NextHops { get; init; }

    /// <summary>Hosts tried when every next hop failed temporarily (before the global fallback hosts).</summary>
    public IReadOnlyList<NextHop> FallbackHosts { get; init; } = [];

    /// <summary>TLS towards the next hops.</summary>
    public RouteTls Tls { get; init; } = new();

    /// <summary>Smarthost credentials, or <see langword="null"/>.</summary>
    public RouteAuth? Auth { get; init; }
}

/// <summary>The route chosen for a recipient, with the hosts to try in order.</summary>
public sealed record RouteMatch
{
    /// <summary>The route.</summary>
    public required Route Route { get; init; }

    /// <summary>The pattern that matched.</summary>
    public required DomainPattern Pattern { get; init; }

    /// <summary>The next hops in the order to try (priority, random within a priority).</summary>
    public required IReadOnlyList<NextHop> NextHops { get; init; }

    /// <summary>The fallback hosts in the order to try (the route's, then the global ones).</summary>
    public required IReadOnlyList<NextHop> FallbackHosts { get; init; }

    /// <summary>A key that is equal for recipients that can share one downstream transaction.</summary>
    public string DestinationKey => string.Join(',', Route.NextHops.Select(h => h.Text).Order(StringComparer.Ordinal));
}

/// <summary>Finds the route for a recipient. The table from configuration is the default; plug in LDAP, SQL, ...</summary>
public interface IRouteResolver
{
    /// <summary>Returns the route for <paramref name="recipient"/>, or <see langword="null"/> when no route serves its domain.</summary>
    ValueTask<RouteMatch?> ResolveAsync(Mailbox recipient, CancellationToken cancellationToken);

    /// <summary>The domains routed here for anyone (no <c>*</c>): relay control treats them as local.</summary>
    IReadOnlyList<DomainPattern> AcceptedDomains { get; }
}
