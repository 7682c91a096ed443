using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using MtaKit.Routing;

namespace MtaKit.Hosting.Configuration;

/// <summary>
/// The route table and relay control of <c>MtaKit:Routing</c>, rebuilt when the configuration
/// reloads (an invalid reload is logged and the old table kept). A fallback tier's queue runner
/// resolves routes per delivery attempt, so the next attempt uses the new routes.
/// </summary>
internal sealed class ReloadingRouteTable : IRouteResolver, IRelayControl, IDisposable
{
    private readonly Reloadable<Snapshot> _snapshot;

    /// <param name="mtaKit">The <c>MtaKit</c> section.</param>
    /// <param name="relayControl">Relay control options for a routing configuration (problems go to the list).</param>
    /// <param name="logger">Where reloads are logged.</param>
    public ReloadingRouteTable(IConfiguration mtaKit, Func<RoutingOptions, List<string>, RelayControlOptions> relayControl, ILogger logger)
    {
        _snapshot = new Reloadable<Snapshot>(
            mtaKit,
            "MtaKit:Routing",
            errors =>
            {
                var routing = RoutingConfigurationReader.Read(mtaKit, errors);
                var control = relayControl(routing, errors);
                return errors.Count == 0 ? new Snapshot(routing.Routes.Count, new RouteTable(routing), new RelayControl(control)) : null;
            },
            s => $"{s.RouteCount} route(s)",
            logger);
    }

    /// <summary>1 for the routes read at start, then one more per applied reload.</summary>
    public int Generation => _snapshot.Generation;

    public IReadOnlyList<DomainPattern> AcceptedDomains => _snapshot.Current.Routes.AcceptedDomains;

    public ValueTask<RouteMatch?> ResolveAsync(Mailbox recipient, CancellationToken cancellationToken) => _snapshot.Current.Routes.ResolveAsync(recipient, cancellationToken);

    public ValueTask<SmtpVerdict> CheckAsync(RcptContext context) => _snapshot.Current.Control.CheckAsync(context);

    public void Dispose() => _snapshot.Dispose();

    private sealed record Snapshot(int RouteCount, RouteTable Routes, RelayControl Control);
}
