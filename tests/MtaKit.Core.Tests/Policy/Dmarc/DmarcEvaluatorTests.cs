using System.Net;
using MimeKit;

namespace MtaKit.Core.Tests.Policy.Dmarc;

public sealed class DmarcEvaluatorTests
{
    private const string Zone = """
        _dmarc.example.test       TXT "v=DMARC1; p=reject; sp=quarantine; rua=mailto:d@example.test"
        _dmarc.own.example.test   TXT "v=DMARC1; p=none"
        _dmarc.strict.test        TXT "v=DMARC1; p=reject; adkim=s; aspf=s"
        _dmarc.pct.test           TXT "v=DMARC1; p=reject; pct=30"
        _dmarc.pctq.test          TXT "v=DMARC1; p=quarantine; pct=30"
        _dmarc.two.test           TXT "v=DMARC1; p=reject"
        _dmarc.two.test           TXT "v=DMARC1; p=none"
        _dmarc.broken.test        TXT "v=DMARC1; p=bogus"
        _dmarc.other.test         TXT "google-site-verification=abc"
        _dmarc.slow.test          TIMEOUT
        _dmarc.sub.fail.test      SERVFAIL
        _dmarc.example.co.uk      TXT "v=DMARC1; p=quarantine"
        """;

    private static DmarcEvaluator CreateSut(Random? random = null)
        => new(new StaticZoneResolver(StaticZone.Parse(Zone)), random: random ?? new FixedRandom(0));

    private static SpfCheckResult Spf(SpfResult result, string domain)
        => new(result, IPAddress.Parse("192.0.2.1"), "bounce@" + domain, "client.example.net", "mailfrom", domain, null, null, null);

    private static DkimCheckResult Dkim(params (DkimResult Result, string Domain)[] signatures)
        => new([.. signatures.Select(s => new DkimSignatureResult(s.Result, s.Domain, "sel1", null, "rsa-sha256", "abcdefgh", s.Result == DkimResult.Pass ? null : "problem"))], 0);

    [Theory]
    [InlineData("example.test", "example.test", true)]
    [InlineData("mail.example.test", "example.test", true)]
    [InlineData("example.test", "news.example.test", true)]
    [InlineData("a.example.co.uk", "b.example.co.uk", true)]
    [InlineData("other.co.uk", "example.co.uk", false)]
    [InlineData("example.net", "example.test", false)]
    public void IsAligned_Relaxed_SameOrganizationalDomain(string domain, string from, bool expected)
        => Assert.Equal(expected, CreateSut().IsAligned(domain, from, DmarcAlignment.Relaxed));

    [Theory]
    [InlineData("example.test", "EXAMPLE.test.", true)]
    [InlineData("mail.example.test", "example.test", false)]
    public void IsAligned_Strict_SameDomain(string domain, string from, bool expected)
        => Assert.Equal(expected, CreateSut().IsAligned(domain, from, DmarcAlignment.Strict));

    [Fact]
    public async Task CheckAsync_DkimPassRelaxedAligned_Pass()
    {
        var result = await CreateSut().CheckAsync("example.test", Spf(SpfResult.Fail, "example.test"), Dkim((DkimResult.Pass, "mail.example.test")));

        Assert.Equal(DmarcResult.Pass, result.Result);
        Assert.True(result.DkimAligned);
        Assert.False(result.SpfAligned);
        Assert.Equal(DmarcPolicy.Reject, result.RequestedPolicy);
        Assert.Equal(DmarcPolicy.None, result.AppliedPolicy);
        Assert.Equal("example.test", result.PolicyDomain);
    }

    [Fact]
    public async Task CheckAsync_SpfPassRelaxedAligned_Pass()
    {
        var result = await CreateSut().CheckAsync("example.test", Spf(SpfResult.Pass, "bounces.example.test"), Dkim());

        Assert.Equal(DmarcResult.Pass, result.Result);
        Assert.True(result.SpfAligned);
    }

    [Theory]
    [InlineData("mail.strict.test", DmarcResult.Fail)]
    [InlineData("strict.test", DmarcResult.Pass)]
    public async Task CheckAsync_StrictDkimAlignment(string signingDomain, DmarcResult expected)
    {
        var result = await CreateSut().CheckAsync("strict.test", null, Dkim((DkimResult.Pass, signingDomain)));

        Assert.Equal(expected, result.Result);
    }

    [Fact]
    public async Task CheckAsync_StrictSpfAlignment_SubdomainFails()
    {
        var result = await CreateSut().CheckAsync("strict.test", Spf(SpfResult.Pass, "bounce.strict.test"), null);

        Assert.Equal(DmarcResult.Fail, result.Result);
        Assert.Equal(DmarcPolicy.Reject, result.AppliedPolicy);
    }

    [Theory]
    [InlineData(SpfResult.SoftFail)]
    [InlineData(SpfResult.Neutral)]
    [InlineData(SpfResult.None)]
    public async Task CheckAsync_SpfNotPass_NotAligned(SpfResult spf)
    {
        var result = await CreateSut().CheckAsync("example.test", Spf(spf, "example.test"), Dkim((DkimResult.Fail, "example.test"), (DkimResult.Pass, "forger.example")));

        Assert.Equal(DmarcResult.Fail, result.Result);
        Assert.Equal(DmarcPolicy.Reject, result.AppliedPolicy);
    }

    [Fact]
    public async Task CheckAsync_SubdomainWithoutRecord_OrganizationalRecordWithSp()
    {
        var result = await CreateSut().CheckAsync("news.example.test", null, null);

        Assert.Equal(DmarcResult.Fail, result.Result);
        Assert.Equal("example.test", result.PolicyDomain);
        Assert.Equal(DmarcPolicy.Quarantine, result.RequestedPolicy);
        Assert.Equal(DmarcPolicy.Quarantine, result.AppliedPolicy);
    }

    [Fact]
    public async Task CheckAsync_SubdomainWithOwnRecord_OwnPolicy()
    {
        var result = await CreateSut().CheckAsync("own.example.test", null, null);

        Assert.Equal("own.example.test", result.PolicyDomain);
        Assert.Equal(DmarcPolicy.None, result.RequestedPolicy);
        Assert.Equal(DmarcPolicy.None, result.AppliedPolicy);
    }

    [Fact]
    public async Task CheckAsync_PublicSuffixWithTwoLabels_OrganizationalDomainBelowIt()
    {
        var result = await CreateSut().CheckAsync("mail.example.co.uk", null, null);

        Assert.Equal("example.co.uk", result.PolicyDomain);
        Assert.Equal(DmarcPolicy.Quarantine, result.AppliedPolicy);
    }

    [Theory]
    [InlineData("pct.test", 29, DmarcPolicy.Reject)]
    [InlineData("pct.test", 30, DmarcPolicy.Quarantine)]
    [InlineData("pctq.test", 29, DmarcPolicy.Quarantine)]
    [InlineData("pctq.test", 99, DmarcPolicy.None)]
    public async Task CheckAsync_Percent_SampledWithRandom(string domain, int draw, DmarcPolicy expected)
    {
        var random = new FixedRandom(draw);

        var result = await CreateSut(random).CheckAsync(domain, null, null);

        Assert.Equal(DmarcResult.Fail, result.Result);
        Assert.Equal(expected, result.AppliedPolicy);
        Assert.Equal(1, random.Calls);
    }

    [Fact]
    public async Task CheckAsync_Percent100_RandomNotUsed()
    {
        var random = new FixedRandom(99);

        var result = await CreateSut(random).CheckAsync("example.test", null, null);

        Assert.Equal(DmarcPolicy.Reject, result.AppliedPolicy);
        Assert.Equal(0, random.Calls);
    }

    [Theory]
    [InlineData("nothing.test", DmarcResult.None, "no DMARC record")]
    [InlineData("other.test", DmarcResult.None, "no DMARC record")]
    [InlineData("two.test", DmarcResult.None, "more than one")]
    [InlineData("broken.test", DmarcResult.PermError, "p=bogus")]
    [InlineData("slow.test", DmarcResult.TempError, "Timeout")]
    [InlineData("mail.slow.test", DmarcResult.TempError, "Timeout")]
    [InlineData("sub.fail.test", DmarcResult.TempError, "ServFail")]
    public async Task CheckAsync_RecordDiscoveryOutcomes(string domain, DmarcResult expected, string problem)
    {
        var result = await CreateSut().CheckAsync(domain, null, Dkim((DkimResult.Pass, domain)));

        Assert.Equal(expected, result.Result);
        Assert.Contains(problem, result.Problem, StringComparison.Ordinal);
        Assert.Null(result.RequestedPolicy);
        Assert.Equal(DmarcPolicy.None, result.AppliedPolicy);
    }

    [Fact]
    public async Task CheckAsync_AlignedDkimTempError_TempErrorNotFail()
    {
        var result = await CreateSut().CheckAsync("example.test", Spf(SpfResult.Fail, "example.test"), Dkim((DkimResult.TempError, "example.test")));

        Assert.Equal(DmarcResult.TempError, result.Result);
        Assert.Equal(DmarcPolicy.Reject, result.RequestedPolicy);
        Assert.Equal(DmarcPolicy.None, result.AppliedPolicy);
    }

    [Fact]
    public async Task CheckAsync_AlignedSpfTempError_TempError()
    {
        var result = await CreateSut().CheckAsync("example.test", Spf(SpfResult.TempError, "example.test"), null);

        Assert.Equal(DmarcResult.TempError, result.Result);
    }

    [Fact]
    public async Task CheckAsync_UnalignedTempError_Fail()
    {
        var result = await CreateSut().CheckAsync("example.test", null, Dkim((DkimResult.TempError, "elsewhere.example")));

        Assert.Equal(DmarcResult.Fail, result.Result);
    }

    [Theory]
    [InlineData("From: Alice <alice@Example.TEST>\r\n", "example.test", null)]
    [InlineData("From: a@example.test, b@example.test\r\n", "example.test", null)]
    [InlineData("From: a@example.test, b@other.test\r\n", null, "more than one domain")]
    [InlineData("From: a@example.test\r\nFrom: b@example.test\r\n", null, "more than one From field")]
    [InlineData("Sender: a@example.test\r\n", null, "no From field")]
    [InlineData("From: undisclosed\r\n", null, "no valid domain")]
    public void GetFromDomain_Cases(string headers, string? expected, string? problem)
    {
        var list = HeaderList.Load(new MemoryStream(System.Text.Encoding.ASCII.GetBytes(headers + "Subject: x\r\n\r\n")));

        var domain = DmarcEvaluator.GetFromDomain(list, out var why);

        Assert.Equal(expected, domain);
        if (problem is null)
        {
            Assert.Null(why);
        }
        else
        {
            Assert.Contains(problem, why, StringComparison.Ordinal);
        }
    }
}
