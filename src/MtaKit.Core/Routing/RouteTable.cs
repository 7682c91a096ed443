namespace MtaKit.Routing;

/// <summary>Options of the route table.</summary>
public sealed record RoutingOptions
{
    /// <summary>The routes.</summary>
    public IReadOnlyList<Route> Routes { get; init; } = [];

    /// <summary>Fallback hosts for every route (the first fallback tier), tried after a route's own.</summary>
    public IReadOnlyList<NextHop> FallbackHosts { get; init; } = [];

    /// <summary>
    /// Keep a transaction on one downstream: a recipient of another destination gets 452 4.5.3 so the
    /// client sends it again in a new transaction. <value>The default value is <see langword="true"/>.</value>
    /// </summary>
    public bool SplitOnRouteChange { get; init; } = true;

    /// <summary>Checks the options; one message per problem, naming the key.</summary>
    public IEnumerable<string> Validate()
    {
        var seen = new Dictionary<DomainPattern, int>();
        for (var i = 0; i < Routes.Count; i++)
        {
            var route = Routes[i];
            if (route.Domains.Count == 0)
            {
                yield return $"MtaKit:Routing:Routes:{i}:Domains is empty.";
            }

            if (route.NextHops.Count == 0)
            {
                yield return $"MtaKit:Routing:Routes:{i}:NextHops is empty.";
            }

            foreach (var d in route.Domains)
            {
                if (seen.TryGetValue(d, out var other))
                {
                    yield return $"MtaKit:Routing:Routes:{i}:Domains: the pattern '{d}' is already used by MtaKit:Routing:Routes:{other} (a duplicate pattern is ambiguous): remove it from one of the two routes, or merge them into one route (a route takes several Domains and several NextHops); patterns compare case-insensitively and ignore a trailing dot.";
                }
                else
                {
                    seen[d] = i;
                }
            }
        }
    }
}

/// <summary>
/// The route table from configuration: exact domains, subdomain wildcards and a default (<c>*</c>);
/// the most specific pattern wins. Next hops of equal priority are tried in random order.
/// </summary>
public sealed class RouteTable : IRouteResolver
{
    private readonly RoutingOptions _options;
    private readonly Dictionary<string, (Route Route, DomainPattern Pattern)> _exact = new(StringComparer.Ordinal);
    private readonly List<(Route Route, DomainPattern Pattern)> _wildcards = [];
    private readonly (Route Route, DomainPattern Pattern)? _default;
    private readonly Random _random;
    private readonly Lock _randomLock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<DomainPattern, RouteMatch> _fixed = new(ReferenceEqualityComparer.Instance); // a pattern belongs to one route

    /// <summary>Builds the table.</summary>
    /// <exception cref="ArgumentException">The options are invalid (duplicate patterns, empty routes).</exception>
    public RouteTable(RoutingOptions options, Random? random = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate().ToList();
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(options));
        }

        _options = options;
        _random = random ?? new Random();
        foreach (var route in options.Routes)
        {
            foreach (var pattern in route.Domains)
            {
                if (pattern.IsAny)
                {
                    _default = (route, pattern);
                }
                else if (pattern.Normalised.StartsWith("*.", StringComparison.Ordinal))
                {
                    _wildcards.Add((route, pattern));
                }
                else
                {
                    _exact[pattern.Normalised] = (route, pattern);
                }
            }
        }

        _wildcards.Sort((a, b) => b.Pattern.Specificity.CompareTo(a.Pattern.Specificity));
        AcceptedDomains = [.. options.Routes.SelectMany(r => r.Domains).Where(d => !d.IsAny)];
    }

    /// <inheritdoc/>
    public IReadOnlyList<DomainPattern> AcceptedDomains { get; }

    /// <summary>Whether a transaction is kept on one downstream.</summary>
    public bool SplitOnRouteChange => _options.SplitOnRouteChange;

    /// <inheritdoc/>
    public ValueTask<RouteMatch?> ResolveAsync(Mailbox recipient, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(recipient);
        return new(Find(recipient.AsciiDomain));
    }

    /// <summary>Finds the route for a normalised domain.</summary>
    public RouteMatch? Find(string asciiDomain)
    {
        ArgumentNullException.ThrowIfNull(asciiDomain);
        (Route Route, DomainPattern Pattern)? hit = null;
        if (_exact.TryGetValue(asciiDomain, out var exact))
        {
            hit = exact;
        }
        else
        {
            foreach (var w in _wildcards)
            {
                if (w.Pattern.Matches(asciiDomain))
                {
                    hit = w;
                    break;
                }
            }

            hit ??= _default;
        }

        if (hit is not { } h)
        {
            return null;
        }

        if (h.Route.NextHops.Count <= 1 && h.Route.FallbackHosts.Count <= 1 && _options.FallbackHosts.Count <= 1)
        {
            // Nothing to shuffle: every lookup would build the same match, so it is built once per route and pattern.
            return _fixed.GetOrAdd(h.Pattern, static (_, state) => state.Table.Match(state.Hit), (Table: this, Hit: h));
        }

        return Match(h);
    }

    private RouteMatch Match((Route Route, DomainPattern Pattern) hit)
    {
        var routeFallback = Order(hit.Route.FallbackHosts);
        var globalFallback = Order(_options.FallbackHosts);
        return new RouteMatch
        {
            Route = hit.Route,
            Pattern = hit.Pattern,
            NextHops = Order(hit.Route.NextHops),
            FallbackHosts = globalFallback.Count == 0 ? routeFallback : routeFallback.Count == 0 ? globalFallback : [.. routeFallback, .. globalFallback],
        };
    }

    /// <summary>Orders hops by priority, shuffling hops of equal priority (load spread).</summary>
    public IReadOnlyList<NextHop> Order(IReadOnlyList<NextHop> hops)
    {
        ArgumentNullException.ThrowIfNull(hops);
        if (hops.Count <= 1)
        {
            return hops;
        }

        var result = new List<NextHop>(hops.Count);
        foreach (var group in hops.GroupBy(h => h.Priority).OrderBy(g => g.Key))
        {
            var items = group.ToArray();
            lock (_randomLock)
            {
                _random.Shuffle(items);
            }

            result.AddRange(items);
        }

        return result;
    }
}
