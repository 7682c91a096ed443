namespace MtaKit.Core.Tests.Addresses;

public sealed class MailboxTests
{
    [Fact]
    public void Parse_Simple_DomainNormalised()
    {
        var m = Mailbox.Parse("John.Doe@Example.TEST.");
        Assert.Equal("John.Doe", m.LocalPart);
        Assert.Equal("Example.TEST", m.Domain);
        Assert.Equal("example.test", m.AsciiDomain);
        Assert.Equal("John.Doe@Example.TEST", m.Address);
        Assert.False(m.IsInternational);
        Assert.Equal(Mailbox.Parse("John.Doe@example.test"), m);
        Assert.NotEqual(Mailbox.Parse("john.doe@example.test"), m);
    }

    [Fact]
    public void Parse_Quoted_UnquotedAndRequotedOnOutput()
    {
        var m = Mailbox.Parse("\"john \\\"j\\\" doe\"@example.test");
        Assert.True(m.IsQuotedLocalPart);
        Assert.Equal("john \"j\" doe", m.LocalPart);
        Assert.Equal("\"john \\\"j\\\" doe\"@example.test", m.Address);
        Assert.Equal("\"a@b\"@example.test", Mailbox.Parse("\"a@b\"@example.test").Address);
        Assert.Equal("plain@example.test", Mailbox.Parse("\"plain\"@example.test").Address);
    }

    [Fact]
    public void Parse_Idn_ALabelAsciiDomain()
    {
        var m = Mailbox.Parse("user@Bücher.Example");
        Assert.Equal("Bücher.Example", m.Domain);
        Assert.Equal("xn--bcher-kva.example", m.AsciiDomain);
        Assert.True(m.IsInternational);
        Assert.Equal(m, Mailbox.Parse("user@xn--bcher-kva.example"));
        Assert.True(Mailbox.Parse("jösé@example.test").IsInternational);
    }

    [Theory]
    [InlineData("u@[192.0.2.1]", "[192.0.2.1]")]
    [InlineData("u@[IPv6:2001:DB8::1]", "[ipv6:2001:db8::1]")]
    public void Parse_AddressLiteral(string text, string ascii)
    {
        var m = Mailbox.Parse(text);
        Assert.True(m.IsAddressLiteral);
        Assert.Equal(ascii, m.AsciiDomain);
    }

    [Fact]
    public void Parse_LocalPartLimit_64Octets()
    {
        Assert.True(Mailbox.TryParse(new string('a', 64) + "@example.test", out _, out _));
        Assert.False(Mailbox.TryParse(new string('a', 65) + "@example.test", out _, out var error));
        Assert.Contains("64", error, StringComparison.Ordinal);
        Assert.False(Mailbox.TryParse(new string('é', 33) + "@example.test", out _, out _)); // 66 octets in UTF-8
    }

    [Theory]
    [InlineData("postmaster")]
    [InlineData("Postmaster")]
    [InlineData("POSTMASTER")]
    public void Parse_PostmasterWithoutDomain(string text)
    {
        var m = Mailbox.Parse(text);
        Assert.True(m.IsPostmasterWithoutDomain);
        Assert.Equal(text, m.Address);
    }

    [Theory]
    [InlineData("")]
    [InlineData("user")]
    [InlineData("\"postmaster\"")]
    [InlineData("@example.test")]
    [InlineData("a..b@example.test")]
    [InlineData(".a@example.test")]
    [InlineData("a.@example.test")]
    [InlineData("a b@example.test")]
    [InlineData("a@")]
    [InlineData("a@@example.test")]
    [InlineData("a@exa mple.test")]
    [InlineData("a@-example.test")]
    [InlineData("a@example-.test")]
    [InlineData("a@example..test")]
    [InlineData("a@[192.0.2]")]
    [InlineData("a@[999.0.2.1]")]
    [InlineData("a@[IPv6:192.0.2.1]")]
    [InlineData("a@[192.0.2.1")]
    [InlineData("\"unterminated@example.test")]
    [InlineData("\"a\"b@example.test")]
    [InlineData("a@.")]
    [InlineData("a@.example.test")]
    [InlineData("a@example.test..")]
    [InlineData("a@exa!mple.test")]
    [InlineData("a@example.-test")]
    public void TryParse_Invalid(string text)
        => Assert.False(Mailbox.TryParse(text, out _, out var error) || error is null);

    [Fact]
    public void TryParse_DomainLabelLimit()
    {
        Assert.True(Mailbox.TryParse("a@" + new string('x', 63) + ".test", out _, out _));
        Assert.False(Mailbox.TryParse("a@" + new string('x', 64) + ".test", out _, out _));
    }

    [Fact]
    public void Create_QuotesWhenNeeded()
    {
        Assert.Equal("\"a b\"@example.test", Mailbox.Create("a b", "example.test").Address);
        Assert.Equal("a.b@example.test", Mailbox.Create("a.b", "example.test").Address);
    }

    [Theory]
    [InlineData("EXAMPLE.test.", "example.test")]
    [InlineData("Bücher.example", "xn--bcher-kva.example")]
    [InlineData("bad..domain", null)]
    public void NormaliseDomain(string domain, string? expected)
        => Assert.Equal(expected, Mailbox.NormaliseDomain(domain));

    [Theory]
    [InlineData("a@x_y.example.test", "x_y.example.test")]
    [InlineData("a@1-2.3", "1-2.3")]
    [InlineData("a@Ex-Ample.TEST.", "ex-ample.test")]
    public void TryParse_DomainLabels_Accepted(string text, string ascii)
    {
        Assert.True(Mailbox.TryParse(text, out var mailbox, out var error), error);
        Assert.Equal(ascii, mailbox.AsciiDomain);
    }

    [Fact]
    public void Address_ReadTwice_SameString()
    {
        var mailbox = Mailbox.Parse("\"a b\"@example.test");
        Assert.Equal("\"a b\"@example.test", mailbox.Address);
        Assert.Same(mailbox.Address, mailbox.Address);
    }
}
