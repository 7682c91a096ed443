using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using MtaKit.Relay;
using MtaKit.Routing;
using MtaKit.Server;

namespace MtaKit.Benchmarks;

/// <summary>
/// The pass-through relay end to end over loopback: a raw client -> the MtaKit server with the
/// <see cref="PassThroughRelayHandler"/> -> a raw sink, all in this process. Client and sink reuse
/// fixed buffers and allocate next to nothing, so MemoryDiagnoser's figure is the relay's own
/// allocation per relayed 5 KB message (server session, pipeline, relay handler, pooled client).
/// </summary>
[MemoryDiagnoser]
public class RelayPathBenchmarks
{
    private RawSink _sink = null!;
    private SmtpServer _relay = null!;
    private PassThroughRelayHandler _handler = null!;
    private RawRelayClient _client = null!;
    private Socket _session = null!;

    /// <summary>Recipients per message.</summary>
    [Params(1, 20)]
    public int Recipients { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _sink = RawSink.Start();
        var routing = new RoutingOptions
        {
            Routes = [new Route { Domains = [DomainPattern.Parse("example.test")], NextHops = [NextHop.Parse("127.0.0.1:" + _sink.Port)], Tls = new RouteTls { Mode = RouteTlsMode.None } }],
        };
        var routes = new RouteTable(routing);
        _handler = new PassThroughRelayHandler(routes, new PassThroughRelayOptions { HostName = "relay.bench.test" });
        var control = new RelayControl(new RelayControlOptions { LocalDomains = routes.AcceptedDomains });
        var listener = new SmtpListenerOptions { Name = "bench", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) };
        _relay = new SmtpServer(new SmtpServerOptions { ServerName = "relay.bench.test", Listeners = [listener], Limits = SmtpLimits.Default with { MaxMessagesPerConnection = int.MaxValue, MaxConnectionsPerIp = 1000 } }, _handler, null, control);
        await _relay.StartAsync();
        _client = new RawRelayClient(_relay.GetEndPoint("bench"), Recipients);
        _session = await _client.OpenSessionAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _session.Dispose();
        await _relay.DisposeAsync();
        await _handler.DisposeAsync();
        _sink.Dispose();
    }

    /// <summary>One 5 KB message on a persistent client session (scenario C).</summary>
    [Benchmark(Baseline = true)]
    public ValueTask PersistentSession() => _client.SendAsync(_session);

    /// <summary>One 5 KB message on its own client connection (scenario A: connect, EHLO, transaction, QUIT).</summary>
    [Benchmark]
    public ValueTask ConnectionPerMessage() => _client.SendOnNewConnectionAsync();
}
