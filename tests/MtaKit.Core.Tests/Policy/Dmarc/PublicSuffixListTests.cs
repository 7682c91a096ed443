namespace MtaKit.Core.Tests.Policy.Dmarc;

public sealed class PublicSuffixListTests
{
    [Theory]
    [InlineData("example.com", "example.com")]
    [InlineData("mail.example.com", "example.com")]
    [InlineData("a.b.example.co.uk", "example.co.uk")]
    [InlineData("example.co.uk", "example.co.uk")]
    [InlineData("co.uk", "co.uk")]
    [InlineData("MAIL.Example.COM.", "example.com")]
    [InlineData("foo.bar.kobe.jp", "foo.bar.kobe.jp")] // *.kobe.jp
    [InlineData("www.city.kobe.jp", "city.kobe.jp")] // !city.kobe.jp
    [InlineData("a.example.test", "example.test")] // unlisted TLD: the default rule "*"
    [InlineData("foo.github.io", "foo.github.io")] // private section
    [InlineData("www.xn--fiqs8s", "www.xn--fiqs8s")] // an IDN TLD (中国) in ASCII
    public void GetOrganizationalDomain_EmbeddedList(string domain, string expected)
        => Assert.Equal(expected, PublicSuffixList.Default.GetOrganizationalDomain(domain));

    [Theory]
    [InlineData("mail.example.co.uk", "co.uk")]
    [InlineData("x.y.kobe.jp", "y.kobe.jp")]
    [InlineData("city.kobe.jp", "kobe.jp")]
    [InlineData("host.example.test", "test")]
    public void GetPublicSuffix_EmbeddedList(string domain, string expected)
        => Assert.Equal(expected, PublicSuffixList.Default.GetPublicSuffix(domain));

    [Fact]
    public void Default_HasTheFullList()
        => Assert.True(PublicSuffixList.Default.RuleCount > 9000, PublicSuffixList.Default.RuleCount.ToString(System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Load_CustomFile_ReplacesTheRules()
    {
        using var dir = new MtaKit.Testing.TempDirectory();
        var path = Path.Combine(dir.Path, "psl.dat");
        File.WriteAllText(path, "// a newer list\nexample\n*.wild.example\n!keep.wild.example\nbücher.example\n");

        var list = PublicSuffixList.Load(path);

        Assert.Equal(4, list.RuleCount);
        Assert.Equal("corp.example", list.GetOrganizationalDomain("mail.corp.example"));
        Assert.Equal("x.y.wild.example", list.GetOrganizationalDomain("a.x.y.wild.example"));
        Assert.Equal("keep.wild.example", list.GetOrganizationalDomain("a.keep.wild.example"));
        Assert.Equal("shop.xn--bcher-kva.example", list.GetOrganizationalDomain("www.shop.xn--bcher-kva.example"));
    }

    [Fact]
    public void Parse_NoRules_Throws()
        => Assert.Throws<FormatException>(() => PublicSuffixList.Parse(new StringReader("// nothing\n\n")));
}
