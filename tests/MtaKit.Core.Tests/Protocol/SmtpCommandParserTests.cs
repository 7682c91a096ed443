using System.Text;
using MtaKit.Protocol;

namespace MtaKit.Core.Tests.Protocol;

public sealed class SmtpCommandParserTests
{
    [Theory]
    [InlineData("EHLO x", "Ehlo", "x")]
    [InlineData("ehlo x", "Ehlo", "x")]
    [InlineData("eHlO x y", "Ehlo", "x y")]
    [InlineData("HELO x", "Helo", "x")]
    [InlineData("LHLO x", "Lhlo", "x")]
    [InlineData("mail FROM:<a@b>", "Mail", "FROM:<a@b>")]
    [InlineData("Rcpt TO:<a@b>", "Rcpt", "TO:<a@b>")]
    [InlineData("data", "Data", "")]
    [InlineData("BDAT 10 LAST", "Bdat", "10 LAST")]
    [InlineData("rset", "Rset", "")]
    [InlineData("NOOP", "Noop", "")]
    [InlineData("QuIt", "Quit", "")]
    [InlineData("VRFY u", "Vrfy", "u")]
    [InlineData("EXPN l", "Expn", "l")]
    [InlineData("HELP", "Help", "")]
    [InlineData("StartTLS", "StartTls", "")]
    [InlineData("AUTH PLAIN", "Auth", "PLAIN")]
    [InlineData("MAILX FROM:<a@b>", "Unknown", "FROM:<a@b>")]
    [InlineData("MAI", "Unknown", "")]
    [InlineData("", "Unknown", "")]
    [InlineData("M4IL x", "Unknown", "x")]
    [InlineData("STARTTLSX", "Unknown", "")]
    [InlineData(" NOOP", "Unknown", "NOOP")]
    public void ParseVerb_Lines_VerbAndArgument(string line, string verb, string argument)
    {
        Assert.Equal(Enum.Parse<SmtpVerb>(verb), SmtpCommandParser.ParseVerb(Encoding.ASCII.GetBytes(line), out var arg));
        Assert.Equal(argument, Encoding.ASCII.GetString(arg));
    }

    [Theory]
    [InlineData("0", 0L, false)]
    [InlineData("100", 100L, false)]
    [InlineData("100 LAST", 100L, true)]
    [InlineData("100 last", 100L, true)]
    [InlineData(" 7  LAST ", 7L, true)]
    [InlineData("999999999999999999", 999999999999999999L, false)]
    public void TryParseBdat_Valid(string argument, long size, bool last)
    {
        Assert.True(SmtpCommandParser.TryParseBdat(Encoding.ASCII.GetBytes(argument), out var s, out var l));
        Assert.Equal(size, s);
        Assert.Equal(last, l);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.5")]
    [InlineData("10 FIRST")]
    [InlineData("10 LAST x")]
    [InlineData("1000000000000000000")]
    public void TryParseBdat_Invalid(string argument)
        => Assert.False(SmtpCommandParser.TryParseBdat(Encoding.ASCII.GetBytes(argument), out _, out _));

    [Theory]
    [InlineData("FROM:<a@b.test>", "FROM:", "a@b.test", "", false)]
    [InlineData("from:<a@b.test> SIZE=10  BODY=8BITMIME ", "FROM:", "a@b.test", "SIZE=10  BODY=8BITMIME", false)]
    [InlineData("FROM: <a@b.test>", "FROM:", "a@b.test", "", false)]
    [InlineData("FROM:<>", "FROM:", "", "", false)]
    [InlineData("TO:<@a.test:u@c.test>", "TO:", "u@c.test", "", true)]
    [InlineData("TO:<@a.test,@b.test:u@c.test> NOTIFY=NEVER", "TO:", "u@c.test", "NOTIFY=NEVER", true)]
    [InlineData("TO:<\"a>b\"@c.test>", "TO:", "\"a>b\"@c.test", "", false)]
    [InlineData("TO:<\"a\\\">\"@c.test>", "TO:", "\"a\\\">\"@c.test", "", false)]
    public void TrySplitPath_Valid(string argument, string keyword, string path, string parameters, bool sourceRoute)
    {
        Assert.True(SmtpCommandParser.TrySplitPath(argument, keyword, out var p, out var ps, out var sr));
        Assert.Equal(path, p);
        Assert.Equal(parameters, ps);
        Assert.Equal(sourceRoute, sr);
    }

    [Theory]
    [InlineData("FROM:a@b.test", "FROM:")]
    [InlineData("FROM:<a@b.test", "FROM:")]
    [InlineData("FROM:<a@b.test>SIZE=1", "FROM:")]
    [InlineData("TO:<a@b.test>", "FROM:")]
    [InlineData("FROM", "FROM:")]
    [InlineData("TO:<@a.test>", "TO:")]
    [InlineData("TO:<\"a>", "TO:")]
    public void TrySplitPath_Invalid(string argument, string keyword)
        => Assert.False(SmtpCommandParser.TrySplitPath(argument, keyword, out _, out _, out _));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a+2Bb", "a+b")]
    [InlineData("+3Dx+20y", "=x y")]
    [InlineData("rfc822;u+40x.test", "rfc822;u@x.test")]
    public void TryDecodeXtext_Valid(string text, string decoded)
    {
        Assert.True(SmtpCommandParser.TryDecodeXtext(text, out var d));
        Assert.Equal(decoded, d);
    }

    [Theory]
    [InlineData("a=b")]
    [InlineData("a b")]
    [InlineData("+2b")]
    [InlineData("+4")]
    [InlineData("x+")]
    [InlineData("+GG")]
    [InlineData("é")]
    public void TryDecodeXtext_Invalid(string text)
        => Assert.False(SmtpCommandParser.TryDecodeXtext(text, out _));

    [Fact]
    public void SplitParameters_NamesUpperCasedValuesKept()
        => Assert.Equal(
            [("SIZE", (string?)"10"), ("SMTPUTF8", null), ("ENVID", "Ab=c")],
            SmtpCommandParser.SplitParameters("size=10  SmtpUtf8 envid=Ab=c").ToArray());
}
