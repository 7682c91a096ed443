using System.Net;
using BenchmarkDotNet.Attributes;

namespace MtaKit.Benchmarks;

/// <summary>
/// The DNSBL stage's cost per connection with every answer local (a warm cache): three lists
/// (two block lists, one allow-list) queried in parallel, for an unlisted and a listed client.
/// </summary>
[MemoryDiagnoser]
public class DnsblBenchmarks
{
    private const string Zone = """
        10.2.0.192.zen.test      A    127.0.0.2
        10.2.0.192.zen.test      TXT  "listed: https://zen.test/lookup?ip=192.0.2.10"
        10.2.0.192.bl.test       A    127.0.0.4
        """;

    private static readonly StageDelegate<ConnectContext> Next = _ => new(SmtpVerdict.Accept());
    private DnsblStage _stage = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new DnsblOptions { Threshold = 2, RejectAt = DnsblRejectPhase.Connect };
        options.Lists.Add(new DnsblListOptions { Zone = "zen.test", Weight = 2, Codes = { "127.0.0.2-127.0.0.11" } });
        options.Lists.Add(new DnsblListOptions { Zone = "bl.test", Weight = 1 });
        options.Lists.Add(new DnsblListOptions { Zone = "allow.test", Weight = -5 });
        _stage = new DnsblStage(new DnsblChecker(new StaticZoneResolver(StaticZone.Parse(Zone)), options));
    }

    [Benchmark(Baseline = true, Description = "connect, unlisted client")]
    public ValueTask<SmtpVerdict> Unlisted() => _stage.OnConnectAsync(Context("192.0.2.99"), Next);

    [Benchmark(Description = "connect, listed client (reject with TXT reason)")]
    public ValueTask<SmtpVerdict> Listed() => _stage.OnConnectAsync(Context("192.0.2.10"), Next);

    private static ConnectContext Context(string client)
    {
        var session = new SmtpSession("bench", "smtp", "mx.test", new IPEndPoint(IPAddress.Parse(client), 1234), new IPEndPoint(IPAddress.Loopback, 25), DateTimeOffset.UnixEpoch, CancellationToken.None);
        return new ConnectContext(session, EmptyServices.Instance);
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public static readonly EmptyServices Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
