using System.Net;

namespace MtaKit.Core.Tests.Policy.Dmarc;

public sealed class AuthenticationResultsHeaderTests
{
    [Fact]
    public void Format_EveryResult_FoldedRfc8601()
    {
        var spf = new SpfCheckResult(SpfResult.Pass, IPAddress.Loopback, "postmaster@client.example.net", "client.example.net", "helo", "client.example.net", "a", null, null);
        var dkim = new DkimCheckResult(
        [
            new DkimSignatureResult(DkimResult.Pass, "example.test", "sel1", null, "rsa-sha256", "AbC+dEfG", null),
            new DkimSignatureResult(DkimResult.TempError, "other.test", "s2", null, "rsa-sha256", "x/y=", "DNS Timeout looking up TXT s2._domainkey.other.test"),
        ], 0);
        var dmarc = new DmarcCheckResult(DmarcResult.PermError, null, null, null, null, DmarcPolicy.None, false, false, "the message has more than one From field");

        var value = AuthenticationResultsHeader.Format("mx.test", spf, dkim, dmarc);

        Assert.Equal(
            "mx.test;\r\n\tspf=pass smtp.helo=client.example.net;\r\n"
            + "\tdkim=pass header.d=example.test header.s=sel1 header.b=AbC+dEfG;\r\n"
            + "\tdkim=temperror (DNS Timeout looking up TXT s2._domainkey.other.test) header.d=other.test header.s=s2 header.b=\"x/y=\";\r\n"
            + "\tdmarc=permerror (the message has more than one From field)",
            value);
    }

    [Fact]
    public void Format_NothingKnown_DkimNone()
        => Assert.Equal("mx.test;\r\n\tdkim=none", AuthenticationResultsHeader.Format("mx.test", null, null, null));

    [Theory]
    [InlineData("mx.test; spf=pass", true)]
    [InlineData("MX.Test;dkim=pass", true)]
    [InlineData("  mx.test 1; none", true)]
    [InlineData("(comment) mx.test; none", true)]
    [InlineData("\"mx.test\"; none", true)]
    [InlineData("mx.test.evil; spf=pass", false)]
    [InlineData("upstream.example; spf=pass", false)]
    public void ClaimsAuthServId(string value, bool expected)
        => Assert.Equal(expected, AuthenticationResultsHeader.ClaimsAuthServId(value, "mx.test"));
}
