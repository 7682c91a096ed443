namespace MtaKit.Core.Tests.Policy.Dmarc;

public sealed class DmarcRecordTests
{
    [Fact]
    public void TryParse_FullRecord_ReadsEveryTag()
    {
        Assert.True(DmarcRecord.TryParse("v=DMARC1; p=reject; sp=quarantine; pct=25; adkim=s; aspf=r; rua=mailto:d@example.test,mailto:e@example.test!10m; fo=1", out var record, out var error), error);

        Assert.Equal(DmarcPolicy.Reject, record.Policy);
        Assert.Equal(DmarcPolicy.Quarantine, record.SubdomainPolicy);
        Assert.Equal(25, record.Percent);
        Assert.Equal(DmarcAlignment.Strict, record.DkimAlignment);
        Assert.Equal(DmarcAlignment.Relaxed, record.SpfAlignment);
        Assert.Equal(2, record.AggregateReportUris.Count);
    }

    [Fact]
    public void TryParse_Minimal_Defaults()
    {
        Assert.True(DmarcRecord.TryParse("v=DMARC1;p=none", out var record, out _));

        Assert.Equal(DmarcPolicy.None, record.Policy);
        Assert.Null(record.SubdomainPolicy);
        Assert.Equal(100, record.Percent);
        Assert.Equal(DmarcAlignment.Relaxed, record.DkimAlignment);
        Assert.Equal("v=DMARC1; p=none; pct=100; adkim=r; aspf=r", record.ToString());
    }

    [Theory]
    [InlineData("v=DMARC1", "p= tag is missing")]
    [InlineData("v=DMARC1; p=bounce", "p=bounce")]
    [InlineData("v=DMARC1; p=reject; pct=101", "pct=101")]
    [InlineData("v=DMARC1; p=reject; pct=-1", "pct=-1")]
    [InlineData("v=DMARC1; p=reject; adkim=x", "adkim=x")]
    [InlineData("v=DMARC1; p=reject; aspf=", "aspf=")]
    [InlineData("v=DMARC1; p=reject; sp=maybe", "sp=maybe")]
    [InlineData("v=DMARC1; p=reject; junk", "'junk'")]
    [InlineData("p=reject; v=DMARC1", "v=DMARC1")]
    [InlineData("v=DMARC2; p=reject", "v=DMARC1")]
    public void TryParse_Invalid_Error(string text, string expected)
    {
        Assert.False(DmarcRecord.TryParse(text, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_InvalidPolicyWithReportAddress_ActsAsNone()
    {
        Assert.True(DmarcRecord.TryParse("v=DMARC1; p=bogus; rua=mailto:d@example.test", out var record, out _));
        Assert.Equal(DmarcPolicy.None, record.Policy);
    }

    [Theory]
    [InlineData("v=DMARC1; p=none", true)]
    [InlineData("v = DMARC1 ;p=none", true)]
    [InlineData("v=spf1 -all", false)]
    [InlineData("v=dmarc1; p=none", false)]
    public void IsDmarc1(string text, bool expected) => Assert.Equal(expected, DmarcRecord.IsDmarc1(text));
}
