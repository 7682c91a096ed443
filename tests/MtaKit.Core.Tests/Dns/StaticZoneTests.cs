using System.Net;

namespace MtaKit.Core.Tests.Dns;

public sealed class StaticZoneTests
{
    private const string Zone = """
        ; local data
        $ZONE example.test
        example.test        300 MX  10 mx1.example.test.
        example.test            MX  0 .                 ; a second MX, null
        MX1.example.test    60  A   192.0.2.1
        mx1.example.test        AAAA 2001:db8::1
        example.test            TXT "v=spf1 ip4:192.0.2.0/24 " "-all"   ; joined
        quoted.example.test     TXT "a \"b\" ; c\059"
        1.2.0.192.in-addr.arpa  PTR mx1.example.test
        www.example.test        CNAME mx1.example.test
        loop1.example.test      CNAME loop2.example.test
        loop2.example.test      CNAME loop1.example.test
        gone.example.test       NXDOMAIN
        empty.example.test      NODATA
        slow.example.test       TIMEOUT
        other.test              A   192.0.2.9
        *.spam.test             A   127.0.0.2
        ok.spam.test            NXDOMAIN
        """;

    private static StaticZoneResolver CreateSut() => new(StaticZone.Parse(Zone));

    [Fact]
    public async Task QueryAsync_A_ReturnsAddressAndTtl()
    {
        var a = await CreateSut().LookupAAsync("mx1.EXAMPLE.test.");

        Assert.Equal(DnsStatus.Success, a.Status);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single(a.Records));
        Assert.Equal(TimeSpan.FromSeconds(60), a.Ttl);
    }

    [Fact]
    public async Task QueryAsync_Mx_IncludesNullMx()
    {
        var mx = await CreateSut().LookupMxAsync("example.test");

        Assert.Equal([new MailExchanger(0, ""), new MailExchanger(10, "mx1.example.test")], mx.Records);
        Assert.True(mx.Records[0].IsNullMx);
    }

    [Fact]
    public async Task QueryAsync_Txt_StringsJoinedAndEscapesDecoded()
    {
        var sut = CreateSut();

        Assert.Equal("v=spf1 ip4:192.0.2.0/24 -all", Assert.Single((await sut.LookupTxtAsync("example.test")).Records));
        Assert.Equal("a \"b\" ; c;", Assert.Single((await sut.LookupTxtAsync("quoted.example.test")).Records));
    }

    [Fact]
    public async Task QueryAsync_Ptr_ByAddress()
    {
        var ptr = await CreateSut().LookupPtrAsync(IPAddress.Parse("192.0.2.1"));

        Assert.Equal("mx1.example.test", Assert.Single(ptr.Records));
    }

    [Fact]
    public async Task QueryAsync_Cname_Followed()
    {
        var a = await CreateSut().LookupAaaaAsync("www.example.test");

        Assert.Equal(IPAddress.Parse("2001:db8::1"), Assert.Single(a.Records));
    }

    [Theory]
    [InlineData("gone.example.test", DnsRecordType.A, DnsStatus.NxDomain)]
    [InlineData("undefined.example.test", DnsRecordType.A, DnsStatus.NxDomain)]
    [InlineData("empty.example.test", DnsRecordType.A, DnsStatus.NoData)]
    [InlineData("mx1.example.test", DnsRecordType.Txt, DnsStatus.NoData)]
    [InlineData("slow.example.test", DnsRecordType.Txt, DnsStatus.Timeout)]
    [InlineData("loop1.example.test", DnsRecordType.A, DnsStatus.ServFail)]
    public async Task QueryAsync_DeclaredOutcomes(string name, DnsRecordType type, DnsStatus expected)
    {
        var answer = await CreateSut().QueryAsync(name, type);

        Assert.Equal(expected, answer.Status);
        Assert.Empty(answer.Records);
    }

    [Theory]
    [InlineData("example.test", true)]
    [InlineData("deep.below.example.test", true)]
    [InlineData("other.test", true)]
    [InlineData("sub.other.test", false)]
    [InlineData("notexample.test", false)]
    [InlineData("x.spam.test", true)]
    public void IsAuthoritativeFor_ZonesAndDefinedNames(string name, bool expected)
        => Assert.Equal(expected, StaticZone.Parse(Zone).IsAuthoritativeFor(name));

    [Theory]
    [InlineData("a.test 300 A 2001:db8::1", "zone:1: A takes one IPv4 address")]
    [InlineData("\n\na.test MX x y", "zone:3: MX takes")]
    [InlineData("a.test 300 SRV 1 2 3 x", "zone:1: unknown record type 'SRV'")]
    [InlineData("a.test TXT \"open", "zone:1: unterminated quoted string")]
    [InlineData("a.test", "zone:1: expected: name [ttl] type value")]
    public void Parse_BadLine_FormatExceptionNamesLine(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => StaticZone.Parse(text));

        Assert.StartsWith(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompositeResolver_ZoneNamesLocal_OthersToNetwork()
    {
        var network = new StaticZoneResolver(StaticZone.Parse("remote.test A 198.51.100.1\nundefined.example.test A 198.51.100.2"));
        var sut = new CompositeDnsResolver(CreateSut(), network);

        Assert.Equal(IPAddress.Parse("198.51.100.1"), Assert.Single((await sut.LookupAAsync("remote.test")).Records));
        Assert.Equal(DnsStatus.NxDomain, (await sut.LookupAAsync("undefined.example.test")).Status);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), Assert.Single((await sut.LookupAAsync("mx1.example.test")).Records));
    }

    [Fact]
    public async Task CompositeResolver_Create_LoadsZoneFilesFromOptions()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mtakit-{Guid.NewGuid():N}.zone");
        await File.WriteAllTextAsync(path, "local.test A 192.0.2.7\n");
        try
        {
            var options = new DnsOptions();
            options.StaticZoneFiles.Add(path);
            var network = new StaticZoneResolver(StaticZone.Parse(""));

            var sut = CompositeDnsResolver.Create(options, network);

            Assert.IsType<CompositeDnsResolver>(sut);
            Assert.Equal(IPAddress.Parse("192.0.2.7"), Assert.Single((await sut.LookupAAsync("local.test")).Records));
            Assert.Same(network, CompositeDnsResolver.Create(new DnsOptions(), network));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("a.spam.test", DnsStatus.Success)]
    [InlineData("deep.a.spam.test", DnsStatus.Success)]
    [InlineData("ok.spam.test", DnsStatus.NxDomain)]
    [InlineData("spam.test", DnsStatus.NxDomain)]
    public async Task QueryAsync_Wildcard_AnswersNamesWithoutOwnEntry(string name, DnsStatus expected)
    {
        Assert.Equal(expected, (await CreateSut().QueryAsync(name, DnsRecordType.A)).Status);
    }
}
