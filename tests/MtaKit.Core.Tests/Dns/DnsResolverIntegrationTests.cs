using System.Net;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Dns;

/// <summary>The network resolver against the shared dnsmasq (tests/services/start-dns.sh default data).</summary>
public sealed class DnsResolverIntegrationTests : IDisposable
{
    private readonly MetricRecorder _metrics = new();

    public void Dispose() => _metrics.Dispose();

    private DnsResolver CreateSut()
    {
        var server = ServiceEnvironment.Require("DNS");
        var options = new DnsOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 0 };
        options.Servers.Add(server.ToString());
        return new DnsResolver(options, null, null, _metrics);
    }

    [SkippableFact]
    public async Task LookupAAsync_HostRecord_Address()
    {
        using var sut = CreateSut();

        var a = await sut.LookupAAsync("mx1.example.test");

        Assert.Equal(DnsStatus.Success, a.Status);
        Assert.Equal(IPAddress.Loopback, Assert.Single(a.Records));
    }

    [SkippableFact]
    public async Task LookupMxAsync_TwoExchangers_SortedByPreference()
    {
        using var sut = CreateSut();

        var mx = await sut.LookupMxAsync("example.test");

        Assert.Equal([new MailExchanger(10, "mx1.example.test"), new MailExchanger(20, "mx2.example.test")], mx.Records);
    }

    [SkippableFact]
    public async Task LookupMxAsync_NullMx_Recognised()
    {
        using var sut = CreateSut();

        var mx = await sut.LookupMxAsync("nullmx.test");

        Assert.True(Assert.Single(mx.Records).IsNullMx);
    }

    [SkippableFact]
    public async Task LookupTxtAsync_SpfRecord_Text()
    {
        using var sut = CreateSut();

        var txt = await sut.LookupTxtAsync("example.test");

        Assert.Equal("v=spf1 ip4:127.0.0.1 -all", Assert.Single(txt.Records));
    }

    [SkippableFact]
    public async Task LookupPtrAsync_Loopback_Mx1()
    {
        using var sut = CreateSut();

        var ptr = await sut.LookupPtrAsync(IPAddress.Loopback);

        Assert.Equal("mx1.example.test", Assert.Single(ptr.Records));
    }

    [SkippableFact]
    public async Task QueryAsync_UnknownName_NxDomain_ExistingNameOtherType_NoData()
    {
        using var sut = CreateSut();

        var nx = await sut.QueryAsync("does-not-exist.test", DnsRecordType.A);
        var nodata = await sut.QueryAsync("nomx.test", DnsRecordType.Mx);

        Assert.Equal(DnsStatus.NxDomain, nx.Status);
        Assert.Equal(DnsStatus.NoData, nodata.Status);
        Assert.Equal(DnsStatus.Success, (await sut.QueryAsync("nomx.test", DnsRecordType.A)).Status);
        Assert.Equal(0, _metrics.Get("mtakit.dns.failures"));
    }

    [SkippableFact]
    public async Task DnsblChecker_ListedAddresses_HitsWithTxtReason()
    {
        using var resolver = CreateSut();
        var options = new DnsblOptions { Threshold = 1 };
        options.Lists.Add(new DnsblListOptions { Zone = "dnsbl.test", Codes = { "127.0.0.2-127.0.0.11" } });
        using var sut = new DnsblChecker(resolver, options);

        var listed = await sut.CheckAsync(IPAddress.Parse("127.0.0.2"));
        var listed4 = await sut.CheckAsync(IPAddress.Parse("192.0.2.10"));
        var clean = await sut.CheckAsync(IPAddress.Loopback);

        Assert.True(listed.IsBlocked);
        Assert.Equal("127.0.0.2 is listed in dnsbl.test (test entry)", Assert.Single(listed.Hits).Reason);
        Assert.Equal(IPAddress.Parse("127.0.0.4"), Assert.Single(Assert.Single(listed4.Hits).Codes));
        Assert.Equal("192.0.2.10 is listed in dnsbl.test", listed4.Hits[0].Reason);
        Assert.False(clean.IsBlocked);
        Assert.Empty(clean.Errors);
    }

    [SkippableTheory]
    [InlineData("127.0.0.1", SpfResult.Pass)]
    [InlineData("192.0.2.1", SpfResult.Fail)]
    public async Task SpfEvaluator_ExampleTest(string client, SpfResult expected)
    {
        using var resolver = CreateSut();
        var sut = new SpfEvaluator(resolver);

        var result = await sut.CheckMailFromAsync(IPAddress.Parse(client), "alice@example.test", "client.example.test");

        Assert.Equal(expected, result.Result);
    }

    [SkippableTheory]
    [InlineData("example.test", MailDomainStatus.Exists)]
    [InlineData("nomx.test", MailDomainStatus.Exists)]
    [InlineData("nullmx.test", MailDomainStatus.NullMx)]
    [InlineData("nowhere.test", MailDomainStatus.NoSuchDomain)]
    public async Task MailDomainChecker_DefaultZone(string domain, MailDomainStatus expected)
    {
        using var resolver = CreateSut();

        var result = await new MailDomainChecker(resolver).CheckAsync(domain);

        Assert.Equal(expected, result.Status);
    }
}
