namespace MtaKit.Core.Tests.Dns;

public sealed class MailDomainCheckerTests
{
    private const string Zone = """
        mx.test             MX   10 mail.mx.test
        mail.mx.test        A    192.0.2.1
        nullmx.test         MX   0 .
        implicit.test       A    192.0.2.2
        implicit6.test      AAAA 2001:db8::2
        txtonly.test        TXT  "v=spf1 -all"
        slow.test           TIMEOUT
        """;

    private static MailDomainChecker CreateSut() => new(new StaticZoneResolver(StaticZone.Parse(Zone)));

    [Theory]
    [InlineData("mx.test", MailDomainStatus.Exists)]
    [InlineData("MX.test.", MailDomainStatus.Exists)]
    [InlineData("implicit.test", MailDomainStatus.Exists)]
    [InlineData("implicit6.test", MailDomainStatus.Exists)]
    [InlineData("nullmx.test", MailDomainStatus.NullMx)]
    [InlineData("gone.test", MailDomainStatus.NoSuchDomain)]
    [InlineData("txtonly.test", MailDomainStatus.NoMailHost)]
    [InlineData("slow.test", MailDomainStatus.TemporaryFailure)]
    [InlineData("localhost", MailDomainStatus.Invalid)]
    [InlineData("a..test", MailDomainStatus.Invalid)]
    [InlineData("-bad.test", MailDomainStatus.Invalid)]
    [InlineData("[192.0.2.1]", MailDomainStatus.Invalid)]
    public async Task CheckAsync_Statuses(string domain, MailDomainStatus expected)
    {
        var result = await CreateSut().CheckAsync(domain);

        Assert.Equal(expected, result.Status);
        Assert.Equal(expected == MailDomainStatus.Exists, result.Exists);
        Assert.Equal(expected is not (MailDomainStatus.Exists or MailDomainStatus.TemporaryFailure), result.IsPermanent);
    }

    [Theory]
    [InlineData("nullmx.test", "550 5.7.27 Sender domain nullmx.test does not accept mail (null MX)")]
    [InlineData("gone.test", "550 5.1.8 Sender domain gone.test does not exist")]
    [InlineData("slow.test", "451 4.4.3 Sender domain slow.test: DNS lookup failed, try again later")]
    public async Task SuggestedReply_ByStatus(string domain, string expected)
    {
        var result = await CreateSut().CheckAsync(domain);

        Assert.Equal(expected, result.SuggestedReply!.ToString());
    }

    [Fact]
    public async Task SuggestedReply_Exists_Null()
        => Assert.Null((await CreateSut().CheckAsync("mx.test")).SuggestedReply);
}
