using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MtaKit.Hosting.Configuration;
using MtaKit.Routing;

namespace MtaKit.Hosting.Health;

/// <summary>
/// Probes the next hops and fallback hosts of <c>MtaKit:Routing</c> with a TCP connect (short timeout).
/// Unhealthy when a route has no reachable next hop or fallback host on a relay; degraded when
/// some hop is down but the route still has a way out, and on a fallback tier (holding mail for
/// down next hops is its job).
/// </summary>
/// <remarks>One instance per host: a result is reused for <c>MtaKit:Health:Interval</c>, so a switch
/// polling every second does not open a connection to every next hop every second.</remarks>
internal sealed class NextHopsHealthCheck(IConfiguration mtaKit, HealthEndpointOptions options, TimeProvider time) : IHealthCheck
{
    public const string Name = "mtakit-next-hops";

    private readonly SemaphoreSlim _probing = new(1, 1);
    private (DateTimeOffset At, HealthCheckResult Result)? _last;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        await _probing.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var now = time.GetUtcNow();
            if (_last is { } last && now - last.At < options.Interval)
            {
                return last.Result;
            }

            var result = await ProbeAllAsync(cancellationToken).ConfigureAwait(false);
            _last = (now, result);
            return result;
        }
        finally
        {
            _probing.Release();
        }
    }

    private async Task<HealthCheckResult> ProbeAllAsync(CancellationToken cancellationToken)
    {
        var routing = RoutingConfigurationReader.Read(mtaKit, []);
        if (routing.Routes.Count == 0)
        {
            return HealthCheckResult.Healthy("no routes");
        }

        var hops = routing.Routes.SelectMany(r => r.NextHops.Concat(r.FallbackHosts)).Concat(routing.FallbackHosts)
            .Where(h => h.Kind != NextHopKind.Mx).DistinctBy(h => h.Text).ToList();
        var probes = await Task.WhenAll(hops.Select(h => ProbeAsync(h, cancellationToken))).ConfigureAwait(false);
        var up = hops.Zip(probes).Where(p => p.Second).Select(p => p.First.Text).ToHashSet(StringComparer.Ordinal);
        var down = hops.Where(h => !up.Contains(h.Text)).Select(h => h.Text).ToList();
        var isolated = routing.Routes
            .Where(r => r.NextHops.Any(h => h.Kind != NextHopKind.Mx))
            .Where(r => !r.NextHops.Concat(r.FallbackHosts).Concat(routing.FallbackHosts).Any(h => h.Kind == NextHopKind.Mx || up.Contains(h.Text)))
            .Select(r => r.Name).ToList();
        var data = new Dictionary<string, object> { ["down"] = down };
        if (isolated.Count > 0)
        {
            var description = "no reachable next hop or fallback host for route(s) " + string.Join(", ", isolated) + "; down: " + string.Join(", ", down);
            return mtaKit["Queue:SpoolPath"] is { Length: > 0 }
                ? HealthCheckResult.Degraded(description, data: data)
                : HealthCheckResult.Unhealthy(description, data: data);
        }

        return down.Count == 0
            ? HealthCheckResult.Healthy($"{hops.Count} next hop(s) reachable")
            : HealthCheckResult.Degraded("down: " + string.Join(", ", down), data: data);
    }

    private async Task<bool> ProbeAsync(NextHop hop, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.NextHopProbeTimeout);
        try
        {
            if (hop.Kind == NextHopKind.LmtpUnix)
            {
                using var unix = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await unix.ConnectAsync(new UnixDomainSocketEndPoint(hop.SocketPath!), timeout.Token).ConfigureAwait(false);
                return true;
            }

            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(hop.Host!, hop.Port, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
        {
            return false;
        }
    }
}
