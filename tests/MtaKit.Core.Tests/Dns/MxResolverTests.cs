using System.Net;

namespace MtaKit.Core.Tests.Dns;

public sealed class MxResolverTests
{
    private const string Zone = """
        pref.test           MX   20 c.pref.test
        pref.test           MX   10 a.pref.test
        pref.test           MX   10 b.pref.test
        a.pref.test         A    192.0.2.1
        b.pref.test         A    192.0.2.2
        c.pref.test         A    192.0.2.3
        dual.test           MX   10 mx.dual.test
        mx.dual.test        A    192.0.2.10
        mx.dual.test        AAAA 2001:db8::10
        implicit.test       A    192.0.2.20
        implicit6.test      AAAA 2001:db8::20
        nullmx.test         MX   0 .
        mixednull.test      MX   0 .
        mixednull.test      MX   10 mx.dual.test
        txtonly.test        TXT  "v=spf1 -all"
        servfail.test       SERVFAIL
        slow.test           TIMEOUT
        dangling.test       MX   10 gone.dangling.test
        halfbroken.test     MX   10 broken.halfbroken.test
        halfbroken.test     MX   20 mx.dual.test
        broken.halfbroken.test SERVFAIL
        allbroken.test      MX   10 broken.halfbroken.test
        cname.test          MX   10 alias.cname.test
        alias.cname.test    CNAME mx.dual.test
        """;

    private static MxResolver CreateSut(Random? random = null, bool preferIPv6 = false)
        => new(new StaticZoneResolver(StaticZone.Parse(Zone)), random ?? new Random(1), preferIPv6);

    [Fact]
    public async Task ResolveAsync_MxRecords_ByPreferenceWithAddresses()
    {
        var result = await CreateSut().ResolveAsync("PREF.test.");

        Assert.Equal(MxResolutionStatus.Success, result.Status);
        Assert.Equal("pref.test", result.Domain);
        Assert.False(result.IsImplicit);
        Assert.Equal([10, 10, 20], result.Hosts.Select(h => h.Preference));
        Assert.Equal("c.pref.test", result.Hosts[2].Name);
        Assert.Equal(IPAddress.Parse("192.0.2.3"), Assert.Single(result.Hosts[2].Addresses));
        Assert.Null(result.FailureReply);
    }

    [Fact]
    public async Task ResolveAsync_EqualPreferences_RandomOrderFromInjectedRandom()
    {
        var firsts = new HashSet<string>();
        for (var seed = 0; seed < 32; seed++)
        {
            var result = await CreateSut(new Random(seed)).ResolveAsync("pref.test");
            firsts.Add(result.Hosts[0].Name);
            Assert.Equal("c.pref.test", result.Hosts[2].Name);
        }

        Assert.Equal(["a.pref.test", "b.pref.test"], firsts.Order());
    }

    [Fact]
    public async Task ResolveAsync_SameSeed_SameOrder()
    {
        var one = await CreateSut(new Random(7)).ResolveAsync("pref.test");
        var two = await CreateSut(new Random(7)).ResolveAsync("pref.test");

        Assert.Equal(one.Hosts.Select(h => h.Name), two.Hosts.Select(h => h.Name));
    }

    [Fact]
    public async Task ResolveAsync_DualStackHost_IPv4ThenIPv6()
    {
        var result = await CreateSut().ResolveAsync("dual.test");

        Assert.Equal([IPAddress.Parse("192.0.2.10"), IPAddress.Parse("2001:db8::10")], Assert.Single(result.Hosts).Addresses);
    }

    [Fact]
    public async Task ResolveAsync_PreferIPv6_IPv6First()
    {
        var result = await CreateSut(preferIPv6: true).ResolveAsync("dual.test");

        Assert.Equal([IPAddress.Parse("2001:db8::10"), IPAddress.Parse("192.0.2.10")], Assert.Single(result.Hosts).Addresses);
    }

    [Theory]
    [InlineData("implicit.test", "192.0.2.20")]
    [InlineData("implicit6.test", "2001:db8::20")]
    public async Task ResolveAsync_NoMxRecords_ImplicitMxFromDomainAddress(string domain, string address)
    {
        var result = await CreateSut().ResolveAsync(domain);

        Assert.Equal(MxResolutionStatus.Success, result.Status);
        Assert.True(result.IsImplicit);
        var host = Assert.Single(result.Hosts);
        Assert.Equal(domain, host.Name);
        Assert.Equal(0, host.Preference);
        Assert.Equal(IPAddress.Parse(address), Assert.Single(host.Addresses));
    }

    [Fact]
    public async Task ResolveAsync_NullMx_PermanentWith556()
    {
        var result = await CreateSut().ResolveAsync("nullmx.test");

        Assert.Equal(MxResolutionStatus.NullMx, result.Status);
        Assert.True(result.IsPermanent);
        Assert.Empty(result.Hosts);
        Assert.Equal("556 5.1.10 Recipient domain nullmx.test does not accept mail (null MX)", result.FailureReply!.ToString());
    }

    [Fact]
    public async Task ResolveAsync_NullMxBesideRealHost_RealHostUsed()
    {
        var result = await CreateSut().ResolveAsync("mixednull.test");

        Assert.Equal(MxResolutionStatus.Success, result.Status);
        Assert.Equal("mx.dual.test", Assert.Single(result.Hosts).Name);
    }

    [Fact]
    public async Task ResolveAsync_NxDomain_PermanentWithoutImplicitMx()
    {
        var result = await CreateSut().ResolveAsync("gone.test");

        Assert.Equal(MxResolutionStatus.NoSuchDomain, result.Status);
        Assert.True(result.IsPermanent);
        Assert.False(result.IsImplicit);
        Assert.Equal(new EnhancedStatusCode(5, 1, 2), result.FailureReply!.EnhancedCode);
        Assert.Equal(550, result.FailureReply.Code);
    }

    [Fact]
    public async Task ResolveAsync_NoDataWithoutAddresses_NoMailHostPermanent()
    {
        var result = await CreateSut().ResolveAsync("txtonly.test");

        Assert.Equal(MxResolutionStatus.NoMailHost, result.Status);
        Assert.True(result.IsPermanent);
        Assert.Equal("5.1.2", result.FailureReply!.EnhancedCode.ToString());
    }

    [Theory]
    [InlineData("servfail.test", DnsStatus.ServFail)]
    [InlineData("slow.test", DnsStatus.Timeout)]
    public async Task ResolveAsync_DnsFailure_Transient(string domain, DnsStatus status)
    {
        var result = await CreateSut().ResolveAsync(domain);

        Assert.Equal(MxResolutionStatus.TemporaryFailure, result.Status);
        Assert.Equal(status, result.DnsStatus);
        Assert.False(result.IsPermanent);
        Assert.Equal(451, result.FailureReply!.Code);
        Assert.Equal("4.4.3", result.FailureReply.EnhancedCode.ToString());
    }

    [Fact]
    public async Task ResolveAsync_MxHostWithoutAddress_NoMailHost()
    {
        var result = await CreateSut().ResolveAsync("dangling.test");

        Assert.Equal(MxResolutionStatus.NoMailHost, result.Status);
        Assert.Contains("none of its MX hosts", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResolveAsync_OneMxHostFailsToResolve_OthersKept()
    {
        var result = await CreateSut().ResolveAsync("halfbroken.test");

        Assert.Equal(MxResolutionStatus.Success, result.Status);
        Assert.Equal("mx.dual.test", Assert.Single(result.Hosts).Name);
    }

    [Fact]
    public async Task ResolveAsync_OnlyMxHostFailsToResolve_Transient()
    {
        var result = await CreateSut().ResolveAsync("allbroken.test");

        Assert.Equal(MxResolutionStatus.TemporaryFailure, result.Status);
        Assert.Equal(DnsStatus.ServFail, result.DnsStatus);
    }

    [Fact]
    public async Task ResolveAsync_MxTargetIsCname_Followed()
    {
        var result = await CreateSut().ResolveAsync("cname.test");

        Assert.Equal(2, Assert.Single(result.Hosts).Addresses.Count);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("a..test")]
    [InlineData("[192.0.2.1]")]
    public async Task ResolveAsync_InvalidDomain_Permanent(string domain)
    {
        var result = await CreateSut().ResolveAsync(domain);

        Assert.Equal(MxResolutionStatus.InvalidDomain, result.Status);
        Assert.True(result.IsPermanent);
    }
}
