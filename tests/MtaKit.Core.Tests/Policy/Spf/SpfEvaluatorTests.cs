using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace MtaKit.Core.Tests.Policy.Spf;

public sealed class SpfEvaluatorTests
{
    private const string Zone = """
        example.test        TXT "v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 include:_spf.example.test -all exp=why.example.test"
        _spf.example.test   TXT "v=spf1 a:relay.example.test ~all"
        relay.example.test  A   198.51.100.7
        why.example.test    TXT "%{i} is not one of %{d}'s senders (checked at %{t} by %{r})"
        helo.example.test   TXT "v=spf1 a -all"
        helo.example.test   A   203.0.113.9
        chain.example.test  TXT "v=spf1 include:c1.example.test include:c2.example.test include:c3.example.test include:c4.example.test include:c5.example.test include:c6.example.test -all"
        c1.example.test     TXT "v=spf1 a:x1.example.test ?all"
        c2.example.test     TXT "v=spf1 a:x1.example.test ?all"
        c3.example.test     TXT "v=spf1 a:x1.example.test ?all"
        c4.example.test     TXT "v=spf1 a:x1.example.test ?all"
        c5.example.test     TXT "v=spf1 a:x1.example.test ?all"
        c6.example.test     TXT "v=spf1 a:x1.example.test ?all"
        x1.example.test     A   192.0.2.200
        slow.example.test   TIMEOUT
        """;

    private static readonly FakeTimeProvider Time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    private static SpfEvaluator CreateSut() => new(new StaticZoneResolver(StaticZone.Parse(Zone)), new SpfOptions { ReceiverName = "mx.receiver.test" }, Time);

    [Theory]
    [InlineData("192.0.2.10", SpfResult.Pass, "ip4:192.0.2.0/24")]
    [InlineData("::ffff:192.0.2.10", SpfResult.Pass, "ip4:192.0.2.0/24")]
    [InlineData("2001:db8::25", SpfResult.Pass, "ip6:2001:db8::/32")]
    [InlineData("198.51.100.7", SpfResult.Pass, "include:_spf.example.test")]
    [InlineData("203.0.113.1", SpfResult.Fail, "-all")]
    public async Task CheckMailFromAsync_Mechanisms(string ip, SpfResult expected, string mechanism)
    {
        var result = await CreateSut().CheckMailFromAsync(IPAddress.Parse(ip), "alice@example.test", "client.example.net");

        Assert.Equal(expected, result.Result);
        Assert.Equal(mechanism, result.Mechanism);
        Assert.Equal("mailfrom", result.Identity);
    }

    [Fact]
    public async Task CheckMailFromAsync_Fail_ExplanationExpandedWithExpMacros()
    {
        var result = await CreateSut().CheckMailFromAsync(IPAddress.Parse("203.0.113.1"), "alice@example.test", "client.example.net");

        Assert.Equal("203.0.113.1 is not one of example.test's senders (checked at 1800000000 by mx.receiver.test)", result.Explanation);
    }

    [Fact]
    public async Task CheckMailFromAsync_NullSender_ChecksHeloIdentity()
    {
        var result = await CreateSut().CheckMailFromAsync(IPAddress.Parse("203.0.113.9"), "", "helo.example.test");

        Assert.Equal(SpfResult.Pass, result.Result);
        Assert.Equal("helo", result.Identity);
        Assert.Equal("postmaster@helo.example.test", result.Sender);
    }

    [Fact]
    public async Task CheckMailFromAsync_MoreThanTenLookups_PermError()
    {
        var sut = new SpfEvaluator(new StaticZoneResolver(StaticZone.Parse(Zone)), new SpfOptions { DnsLookupLimit = 12 });
        Assert.Equal(SpfResult.Fail, (await sut.CheckMailFromAsync(IPAddress.Parse("203.0.113.1"), "a@chain.example.test", "h.example.net")).Result);

        var result = await CreateSut().CheckMailFromAsync(IPAddress.Parse("203.0.113.1"), "a@chain.example.test", "h.example.net");

        Assert.Equal(SpfResult.PermError, result.Result);
        Assert.Equal("more than 10 DNS lookups", result.Problem);
    }

    [Fact]
    public async Task CheckMailFromAsync_DnsTimeout_TempError()
    {
        var result = await CreateSut().CheckMailFromAsync(IPAddress.Parse("192.0.2.1"), "a@slow.example.test", "h.example.net");

        Assert.Equal(SpfResult.TempError, result.Result);
        Assert.Contains("Timeout", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FormatReceivedSpfHeader_Pass_Rfc7208Shape()
    {
        var result = await CreateSut().CheckMailFromAsync(IPAddress.Parse("192.0.2.10"), "alice@example.test", "client.example.net");

        Assert.Equal(
            "Received-SPF: pass (mx.receiver.test: domain of alice@example.test designates 192.0.2.10 as permitted sender) " +
            "client-ip=192.0.2.10; envelope-from=\"alice@example.test\"; helo=client.example.net; receiver=mx.receiver.test; " +
            "identity=mailfrom; mechanism=\"ip4:192.0.2.0/24\"",
            result.FormatReceivedSpfHeader("mx.receiver.test"));
    }

    [Fact]
    public async Task FormatReceivedSpfHeader_PermError_CarriesProblem()
    {
        var zone = StaticZone.Parse("bad.example.test TXT \"v=spf1 ip4:300.1.1.1 -all\"");
        var result = await new SpfEvaluator(new StaticZoneResolver(zone)).CheckMailFromAsync(IPAddress.Parse("192.0.2.1"), "x@bad.example.test", "h.example.net");

        var header = result.FormatReceivedSpfHeader("mx.receiver.test");

        Assert.StartsWith("Received-SPF: permerror (mx.receiver.test: domain of x@bad.example.test has an invalid SPF record)", header, StringComparison.Ordinal);
        Assert.EndsWith("problem=\"bad.example.test: invalid term 'ip4:300.1.1.1'\"", header, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("203.0.113.1", "alice@example.test", "550 5.7.23 203.0.113.1 is not one of example.test's senders (checked at 1800000000 by mx.receiver.test)")]
    [InlineData("192.0.2.1", "a@slow.example.test", "451 4.7.24 Temporary SPF error for slow.example.test, try again later")]
    [InlineData("192.0.2.10", "alice@example.test", null)]
    public async Task SuggestedReply_ByResult(string ip, string sender, string? expected)
    {
        var result = await CreateSut().CheckMailFromAsync(IPAddress.Parse(ip), sender, "h.example.net");

        Assert.Equal(expected, result.SuggestedReply?.ToString());
    }
}
