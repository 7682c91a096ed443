using MtaKit.Routing;

namespace MtaKit.Core.Tests.Routing;

public sealed class RouteTableTests
{
    private static Route R(string pattern, params string[] hops)
        => new() { Domains = [DomainPattern.Parse(pattern)], NextHops = [.. hops.Select(h => NextHop.Parse(h))] };

    private static RouteTable CreateSut(params Route[] routes)
        => new(new RoutingOptions { Routes = routes, FallbackHosts = [NextHop.Parse("127.0.0.1:2527")] }, new Random(1));

    [Theory]
    [InlineData("example.test", "10.0.0.1:25")]
    [InlineData("a.example.test", "10.0.0.2:25")]
    [InlineData("b.a.example.test", "10.0.0.3:25")]
    [InlineData("c.example.test", "10.0.0.2:25")]
    [InlineData("other.test", "10.0.0.9:25")]
    public void Find_MostSpecificPatternWins(string domain, string expectedHop)
    {
        var sut = CreateSut(R("example.test", "10.0.0.1:25"), R("*.example.test", "10.0.0.2:25"), R("*.a.example.test", "10.0.0.3:25"), R("*", "10.0.0.9:25"));
        Assert.Equal(expectedHop, Assert.Single(sut.Find(domain)!.NextHops).Text);
    }

    [Fact]
    public void Find_NoRouteAndNoDefault_Null()
        => Assert.Null(CreateSut(R("example.test", "10.0.0.1:25")).Find("other.test"));

    [Fact]
    public void Constructor_DuplicatePattern_FailsNamingBothRoutes()
    {
        var e = Assert.Throws<ArgumentException>(() => CreateSut(R("Example.TEST.", "10.0.0.1:25"), R("example.test", "10.0.0.2:25")));
        Assert.Contains("MtaKit:Routing:Routes:1:Domains: the pattern 'example.test' is already used by MtaKit:Routing:Routes:0 (a duplicate pattern is ambiguous): remove it from one of the two routes, or merge them into one route", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Order_EqualPrioritiesShuffled_LowerPriorityFirst()
    {
        var route = new Route
        {
            Domains = [DomainPattern.Parse("example.test")],
            NextHops = [NextHop.Parse("10.0.0.1:25", 10), NextHop.Parse("10.0.0.2:25", 10), NextHop.Parse("10.0.0.3:25", 20), NextHop.Parse("10.0.0.4:25", 5)],
        };
        var sut = CreateSut(route);
        var firsts = new HashSet<string>();
        for (var i = 0; i < 50; i++)
        {
            var order = sut.Find("example.test")!.NextHops;
            Assert.Equal("10.0.0.4:25", order[0].Text);
            Assert.Equal("10.0.0.3:25", order[3].Text);
            firsts.Add(order[1].Text);
        }

        Assert.Equal(2, firsts.Count); // both equal-priority hops come first sometimes
    }

    [Fact]
    public void Find_FallbackHosts_RouteOwnThenGlobal()
    {
        var route = R("example.test", "10.0.0.1:25") with { FallbackHosts = [NextHop.Parse("10.0.0.8:25")] };
        var match = CreateSut(route).Find("example.test")!;
        Assert.Equal(["10.0.0.8:25", "127.0.0.1:2527"], match.FallbackHosts.Select(h => h.Text));
    }

    [Theory]
    [InlineData("127.0.0.1:2526", NextHopKind.Smtp, "127.0.0.1", 2526)]
    [InlineData("[::1]:2526", NextHopKind.Smtp, "::1", 2526)]
    [InlineData("mail.example.test:25", NextHopKind.Smtp, "mail.example.test", 25)]
    [InlineData("lmtp:127.0.0.1:24", NextHopKind.Lmtp, "127.0.0.1", 24)]
    [InlineData("mx", NextHopKind.Mx, null, 25)]
    public void NextHop_Parse_AcceptedForms(string text, NextHopKind kind, string? host, int port)
    {
        var hop = NextHop.Parse(text);
        Assert.Equal(kind, hop.Kind);
        Assert.Equal(host, hop.Host);
        Assert.Equal(port, hop.Port);
    }

    [Fact]
    public void NextHop_Parse_UnixLmtp()
        => Assert.Equal("/run/dovecot/lmtp", NextHop.Parse("lmtp:unix:/run/dovecot/lmtp").SocketPath);

    [Theory]
    [InlineData("")]
    [InlineData("host")]
    [InlineData("host:0")]
    [InlineData("host:99999")]
    [InlineData("::1:25")]
    [InlineData("lmtp:unix:relative")]
    [InlineData("bad_host!:25")]
    public void NextHop_Parse_Rejects(string text)
        => Assert.False(NextHop.TryParse(text, 0, out _, out _));
}
