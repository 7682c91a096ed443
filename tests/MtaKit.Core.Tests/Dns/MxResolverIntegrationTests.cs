using System.Net;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Dns;

/// <summary>The MX resolver over the network resolver against the shared dnsmasq (tests/services/start-dns.sh default data).</summary>
public sealed class MxResolverIntegrationTests
{
    private static (MxResolver Sut, DnsResolver Dns) CreateSut(Random? random = null)
    {
        var server = ServiceEnvironment.Require("DNS");
        var options = new DnsOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 1 };
        options.Servers.Add(server.ToString());
        var dns = new DnsResolver(options);
        return (new MxResolver(dns, random ?? new Random(3)), dns);
    }

    [SkippableFact]
    public async Task ResolveAsync_ThreeExchangers_PreferenceOrderAndBothEqualHostsSeen()
    {
        var seen = new HashSet<string>();
        for (var seed = 0; seed < 16; seed++)
        {
            var (sut, dns) = CreateSut(new Random(seed));
            using (dns)
            {
                var result = await sut.ResolveAsync("mxpref.test");

                Assert.Equal(MxResolutionStatus.Success, result.Status);
                Assert.Equal([10, 10, 20], result.Hosts.Select(h => h.Preference));
                Assert.Equal("mx-c.mxpref.test", result.Hosts[2].Name);
                Assert.Equal(IPAddress.Parse("127.0.0.3"), Assert.Single(result.Hosts[2].Addresses));
                seen.Add(result.Hosts[0].Name);
            }
        }

        Assert.Equal(["mx-a.mxpref.test", "mx-b.mxpref.test"], seen.Order());
    }

    [SkippableFact]
    public async Task ResolveAsync_DualStackExchanger_IPv4AndIPv6()
    {
        var (sut, dns) = CreateSut();
        using var _ = dns;

        var result = await sut.ResolveAsync("dual.test");

        var host = Assert.Single(result.Hosts);
        Assert.Equal("mx.dual.test", host.Name);
        Assert.Equal([IPAddress.Loopback, IPAddress.IPv6Loopback], host.Addresses);
    }

    [SkippableTheory]
    [InlineData("nomx.test", "127.0.0.1")]
    [InlineData("implicit6.test", "::1")]
    public async Task ResolveAsync_NoData_ImplicitMx(string domain, string address)
    {
        var (sut, dns) = CreateSut();
        using var _ = dns;

        var result = await sut.ResolveAsync(domain);

        Assert.True(result.IsImplicit);
        Assert.Equal(IPAddress.Parse(address), Assert.Single(Assert.Single(result.Hosts).Addresses));
    }

    [SkippableFact]
    public async Task ResolveAsync_NullMx_556()
    {
        var (sut, dns) = CreateSut();
        using var _ = dns;

        var result = await sut.ResolveAsync("nullmx.test");

        Assert.Equal(MxResolutionStatus.NullMx, result.Status);
        Assert.Equal("5.1.10", result.FailureReply!.EnhancedCode.ToString());
        Assert.Equal(556, result.FailureReply.Code);
    }

    [SkippableFact]
    public async Task ResolveAsync_NxDomain_NoImplicitMx()
    {
        var (sut, dns) = CreateSut();
        using var _ = dns;

        var result = await sut.ResolveAsync("no-such-domain.test");

        Assert.Equal(MxResolutionStatus.NoSuchDomain, result.Status);
        Assert.True(result.IsPermanent);
    }

    [SkippableFact]
    public async Task ResolveAsync_UnreachableDnsServer_Transient()
    {
        ServiceEnvironment.Require("DNS");
        var options = new DnsOptions { Timeout = TimeSpan.FromMilliseconds(200), Retries = 0 };
        options.Servers.Add("127.0.0.1:" + FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var dns = new DnsResolver(options);

        var result = await new MxResolver(dns).ResolveAsync("example.test");

        Assert.Equal(MxResolutionStatus.TemporaryFailure, result.Status);
        Assert.Equal(451, result.FailureReply!.Code);
    }
}
