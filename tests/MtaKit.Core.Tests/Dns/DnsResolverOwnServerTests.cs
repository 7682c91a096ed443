using System.Net;

namespace MtaKit.Core.Tests.Dns;

/// <summary>The network resolver against a private dnsmasq with TTLs (caching) and a dead forwarder (timeouts), and a SERVFAIL/REFUSED socket.</summary>
public sealed class DnsResolverOwnServerTests(OwnDnsServer server) : IClassFixture<OwnDnsServer>, IDisposable
{
    private readonly MetricRecorder _metrics = new();

    public void Dispose() => _metrics.Dispose();

    [SkippableFact]
    public async Task QueryAsync_SecondLookup_ServedFromCacheNotServer()
    {
        using var sut = new DnsResolver(server.Require(), null, null, _metrics);

        var first = await sut.LookupTxtAsync("cached.test");
        var second = await sut.LookupTxtAsync("cached.test");

        Assert.Equal("cached text", Assert.Single(first.Records));
        Assert.Equal(TimeSpan.FromSeconds(60), first.Ttl);
        Assert.Equal(first.Records, second.Records);
        Assert.Equal(1, _metrics.Get("mtakit.dns.queries"));
        Assert.Equal(1, _metrics.Get("mtakit.dns.cache.hits"));
    }

    [SkippableFact]
    public async Task QueryAsync_DeadForwarder_Timeout()
    {
        using var sut = new DnsResolver(server.Require(), null, null, _metrics);

        var answer = await sut.QueryAsync("x.timeout.test", DnsRecordType.A);

        Assert.Equal(DnsStatus.Timeout, answer.Status);
        Assert.True(answer.IsFailure);
        Assert.Equal(1, _metrics.Get("mtakit.dns.failures[status=Timeout]"));
    }

    [SkippableTheory]
    [InlineData(2, DnsStatus.ServFail)]
    [InlineData(5, DnsStatus.Refused)]
    public async Task QueryAsync_ServerAnswersErrorCode_MappedStatus(int rcode, DnsStatus expected)
    {
        server.Require();
        using var failing = new RcodeDnsServer(rcode);
        var options = new DnsOptions { Timeout = TimeSpan.FromSeconds(1), Retries = 0 };
        options.Servers.Add($"127.0.0.1:{failing.Port}");
        using var sut = new DnsResolver(options, null, null, _metrics);

        var answer = await sut.QueryAsync("anything.test", DnsRecordType.Mx);

        Assert.Equal(expected, answer.Status);
        Assert.Equal(1, _metrics.Get($"mtakit.dns.failures[status={expected}]"));
    }

    [SkippableFact]
    public async Task QueryAsync_FirstServerFails_SecondAnswers()
    {
        var options = server.Require();
        using var failing = new RcodeDnsServer(2);
        options.Servers.Insert(0, $"127.0.0.1:{failing.Port}");
        using var sut = new DnsResolver(options, null, null, _metrics);

        var a = await sut.LookupAAsync("cached.test");

        Assert.Equal(IPAddress.Parse("192.0.2.77"), Assert.Single(a.Records));
    }

    [SkippableFact]
    public async Task QueryAsync_FirstServerSaysNxDomain_AnswerIsFinal()
    {
        var options = server.Require();
        options.Servers.Insert(0, MtaKit.Testing.ServiceEnvironment.Require("DNS").ToString()); // the shared instance lacks cached.test
        using var sut = new DnsResolver(options, null, null, _metrics);

        var a = await sut.LookupAAsync("cached.test");

        Assert.Equal(DnsStatus.NxDomain, a.Status);
    }

    [SkippableFact]
    public async Task LookupTxtAsync_AnswerTooBigForUdp_RetriedOverTcp()
    {
        using var sut = new DnsResolver(server.Require(), null, null, _metrics);

        var txt = await sut.LookupTxtAsync("big.test");

        Assert.Equal(DnsStatus.Success, txt.Status);
        Assert.Equal(["a", "b", "c", "d", "e", "f"], txt.Records.Select(t => t[..1]).Order());
        Assert.All(txt.Records, t => Assert.Equal(250, t.Length));
    }
}
