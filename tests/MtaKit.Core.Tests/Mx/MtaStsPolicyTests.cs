namespace MtaKit.Core.Tests.Mx;

public sealed class MtaStsPolicyTests
{
    [Fact]
    public void TryParse_Rfc8461Example_AllFields()
    {
        var ok = MtaStsPolicy.TryParse("version: STSv1\r\nmode: enforce\r\nmx: mail.example.com\r\nmx: *.example.net\r\nmx: backupmx.example.com\r\nmax_age: 604800\r\n", out var policy, out var error);

        Assert.True(ok, error);
        Assert.Equal(MtaStsMode.Enforce, policy!.Mode);
        Assert.Equal(["mail.example.com", "*.example.net", "backupmx.example.com"], policy.MxPatterns);
        Assert.Equal(TimeSpan.FromDays(7), policy.MaxAge);
    }

    [Theory]
    [InlineData("version: STSv1\nmode: testing\nmx: MX.Example.COM.\nmax_age: 86400\nextension_key: ignored\n", MtaStsMode.Testing)]
    [InlineData("version: STSv1\nmode: none\nmax_age: 86400", MtaStsMode.None)]
    public void TryParse_LfLinesUnknownKeysNoneWithoutMx_Accepted(string text, MtaStsMode mode)
    {
        Assert.True(MtaStsPolicy.TryParse(text, out var policy, out var error), error);
        Assert.Equal(mode, policy!.Mode);
        Assert.All(policy.MxPatterns, p => Assert.Equal("mx.example.com", p));
    }

    [Fact]
    public void TryParse_MaxAgeOverOneYear_Capped()
    {
        Assert.True(MtaStsPolicy.TryParse("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: 99999999\n", out var policy, out _));
        Assert.Equal(MtaStsPolicy.MaxMaxAge, policy!.MaxAge);
    }

    [Theory]
    [InlineData("mode: enforce\nmx: a.test\nmax_age: 1", "no version")]
    [InlineData("version: STSv2\nmode: enforce\nmx: a.test\nmax_age: 1", "unknown version")]
    [InlineData("version: STSv1\nmode: strict\nmx: a.test\nmax_age: 1", "unknown mode")]
    [InlineData("version: STSv1\nmx: a.test\nmax_age: 1", "no mode")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test", "no max_age")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.test\nmax_age: -5", "not a number")]
    [InlineData("version: STSv1\nmode: enforce\nmax_age: 5", "no mx")]
    [InlineData("version: STSv1\nmode: enforce\nmx: a.*.test\nmax_age: 5", "invalid")]
    [InlineData("<html>not a policy</html>", "not 'key: value'")]
    public void TryParse_Invalid_Reason(string text, string reason)
    {
        Assert.False(MtaStsPolicy.TryParse(text, out var policy, out var error));
        Assert.Null(policy);
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mail.example.com", true)]
    [InlineData("MAIL.example.com.", true)]
    [InlineData("mx1.example.net", true)]
    [InlineData("example.net", false)]
    [InlineData("a.b.example.net", false)]
    [InlineData("other.example.com", false)]
    public void MatchesMx_ExactAndSingleLabelWildcard(string host, bool expected)
    {
        var policy = new MtaStsPolicy { Mode = MtaStsMode.Enforce, MxPatterns = ["mail.example.com", "*.example.net"], MaxAge = TimeSpan.FromDays(1) };

        Assert.Equal(expected, policy.MatchesMx(host));
    }

    [Theory]
    [InlineData("v=STSv1; id=20160831085700Z;", "20160831085700Z")]
    [InlineData("v=STSv1;id=abc", "abc")]
    [InlineData("v=STSv1; id=a-b;", null)]
    [InlineData("v=STSv1;", null)]
    [InlineData("v=spf1 -all", null)]
    [InlineData("v=STSv1; id=123456789012345678901234567890123", null)]
    public void ParseTxtId_Variants(string txt, string? expected)
    {
        Assert.Equal(expected, MtaStsPolicy.ParseTxtId(txt));
    }
}
