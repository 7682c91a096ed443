using Microsoft.Extensions.Time.Testing;
using MimeKit;
using MimeKit.Cryptography;

namespace MtaKit.Core.Tests.Policy.Dkim;

public sealed class DkimCheckerTests
{
    private static DkimChecker CreateSut(string extraZone = "", DkimOptions? options = null, TimeProvider? time = null)
        => new(DkimTestData.Resolver(extraZone), options, time);

    private static async Task<DkimSignatureResult> VerifySingleAsync(string text, string extraZone = "", DkimOptions? options = null)
    {
        var result = await CreateSut(extraZone, options).VerifyAsync(DkimTestData.Content(text));
        return Assert.Single(result.Signatures);
    }

    [Theory]
    [InlineData("signed-rsa.eml", "sel1", "rsa-sha256")]
    [InlineData("signed-rsa-simple.eml", "sel1", "rsa-sha256")]
    [InlineData("signed-ed25519.eml", "ed1", "ed25519-sha256")]
    public async Task VerifyAsync_DkimpySigned_Pass(string file, string selector, string algorithm)
    {
        var signature = await VerifySingleAsync(DkimTestData.ReadText(file));

        Assert.Equal(DkimResult.Pass, signature.Result);
        Assert.Equal("example.test", signature.Domain);
        Assert.Equal(selector, signature.Selector);
        Assert.Equal(algorithm, signature.Algorithm);
        Assert.Equal(8, signature.SignaturePrefix.Length);
        Assert.Null(signature.Problem);
    }

    [Fact]
    public async Task VerifyAsync_HeadersPrependedAfterSigning_StillPass()
    {
        var text = "Received: from client.example.net by mx.test with ESMTP id 123; Sun, 29 Nov 2026 10:00:01 +0000\r\n"
            + "X-Spam-Score: 0.1\r\n" + DkimTestData.ReadText("signed-rsa.eml");

        var signature = await VerifySingleAsync(text);

        Assert.Equal(DkimResult.Pass, signature.Result);
    }

    [Theory]
    [InlineData("this message is signed.", "this message is changed.")]
    [InlineData("Subject: DKIM test", "Subject: DKIM test!")]
    public async Task VerifyAsync_MessageAltered_Fail(string original, string altered)
    {
        var text = DkimTestData.ReadText("signed-rsa.eml").Replace(original, altered, StringComparison.Ordinal);

        var signature = await VerifySingleAsync(text);

        Assert.Equal(DkimResult.Fail, signature.Result);
    }

    [Fact]
    public async Task VerifyAsync_WrongKeyPublished_Fail()
    {
        // Another RSA key under the signing selector's name: a valid key, but not the one that signed.
        var zone = DkimTestData.ZoneText.Replace("sel1._domainkey", "old._domainkey", StringComparison.Ordinal).Replace("other._domainkey", "sel1._domainkey", StringComparison.Ordinal);
        var checker = new DkimChecker(new StaticZoneResolver(StaticZone.Parse(zone)));

        var result = await checker.VerifyAsync(DkimTestData.Content(DkimTestData.ReadText("signed-rsa.eml")));

        Assert.Equal(DkimResult.Fail, Assert.Single(result.Signatures).Result);
    }

    [Theory]
    [InlineData("sel1._domainkey.example.test TIMEOUT", DkimResult.TempError, "Timeout")]
    [InlineData("sel1._domainkey.example.test SERVFAIL", DkimResult.TempError, "ServFail")]
    [InlineData("sel1._domainkey.example.test NXDOMAIN", DkimResult.PermError, "no key")]
    [InlineData("sel1._domainkey.example.test TXT \"v=DKIM1; k=rsa; p=\"", DkimResult.PermError, "revoked")]
    [InlineData("sel1._domainkey.example.test TXT \"v=DKIM1; k=rsa; p=bm90IGEga2V5\"", DkimResult.PermError, "malformed")]
    public async Task VerifyAsync_KeyProblems(string zoneLine, DkimResult expected, string problem)
    {
        var zone = DkimTestData.ZoneText.Split('\n').Where(l => !l.StartsWith("sel1.", StringComparison.Ordinal)).Append(zoneLine);
        var checker = new DkimChecker(new StaticZoneResolver(StaticZone.Parse(string.Join('\n', zone))));

        var signature = Assert.Single((await checker.VerifyAsync(DkimTestData.Content(DkimTestData.ReadText("signed-rsa.eml")))).Signatures);

        Assert.Equal(expected, signature.Result);
        Assert.Contains(problem, signature.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task VerifyAsync_KeyOfAnotherType_PermError()
    {
        var zone = DkimTestData.ZoneText.Replace("sel1._domainkey", "old._domainkey", StringComparison.Ordinal).Replace("ed1._domainkey", "sel1._domainkey", StringComparison.Ordinal);
        var checker = new DkimChecker(new StaticZoneResolver(StaticZone.Parse(zone)));

        var result = await checker.VerifyAsync(DkimTestData.Content(DkimTestData.ReadText("signed-rsa.eml")));

        Assert.Equal(DkimResult.PermError, Assert.Single(result.Signatures).Result);
    }

    [Fact]
    public async Task VerifyAsync_RsaSha1_NeutralUnlessAllowed()
    {
        var text = DkimTestData.ReadText("signed-rsa-sha1.eml");

        Assert.Equal(DkimResult.Neutral, (await VerifySingleAsync(text)).Result);
        Assert.Equal(DkimResult.Pass, (await VerifySingleAsync(text, options: new DkimOptions { AllowRsaSha1 = true })).Result);
    }

    [Theory]
    [InlineData("DKIM-Signature: v=1; a=rsa-sha256; d=example.test; h=from; bh=abc=; b=abc=\r\n")]
    [InlineData("DKIM-Signature: garbage\r\n")]
    [InlineData("DKIM-Signature: v=1; a=rsa-sha256; d=example.test; s=sel1; h=from; bh=!!; b=!!!!\r\n")]
    public async Task VerifyAsync_MalformedSignature_NeutralOrFail(string field)
    {
        var signature = await VerifySingleAsync(field + DkimTestData.ReadText("msg.eml"));

        Assert.Contains(signature.Result, new[] { DkimResult.Neutral, DkimResult.Fail });
        Assert.NotNull(signature.Problem);
    }

    [Fact]
    public async Task VerifyAsync_FromNotSigned_PermError()
    {
        var signature = await VerifySingleAsync("DKIM-Signature: v=1; a=rsa-sha256; d=example.test; s=sel1; h=subject; bh=abc=; b=abc=\r\n" + DkimTestData.ReadText("msg.eml"));

        Assert.Equal(DkimResult.PermError, signature.Result);
    }

    [Fact]
    public async Task VerifyAsync_Unsigned_NoSignatures()
    {
        var result = await CreateSut().VerifyAsync(DkimTestData.Content(DkimTestData.ReadText("msg.eml")));

        Assert.Empty(result.Signatures);
        Assert.False(result.AnyPass);
    }

    [Fact]
    public async Task VerifyAsync_MoreSignaturesThanLimit_SkipsTheRest()
    {
        var rsa = DkimTestData.ReadText("signed-rsa.eml");
        var ed = DkimTestData.ReadText("signed-ed25519.eml");
        var edSignature = ed[..ed.IndexOf("From:", StringComparison.Ordinal)];

        var result = await CreateSut(options: new DkimOptions { MaxSignatures = 1 }).VerifyAsync(DkimTestData.Content(edSignature + rsa));
        var both = await CreateSut().VerifyAsync(DkimTestData.Content(edSignature + rsa));

        Assert.Equal("ed1", Assert.Single(result.Signatures).Selector);
        Assert.Equal(1, result.Skipped);
        Assert.Equal(2, both.Signatures.Count);
        Assert.All(both.Signatures, s => Assert.Equal(DkimResult.Pass, s.Result));
    }

    [Fact]
    public async Task VerifyAsync_ExpiredSignature_FailAfterExpiry()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var message = MimeMessage.Load(new MemoryStream(DkimTestData.Read("msg.eml")));
        var signer = new DkimSigner(Path.Combine(DkimTestData.Directory, "sel1.private"), "example.test", "sel1") { SignaturesExpireAfter = TimeSpan.FromHours(1) };
        signer.Sign(message, [HeaderId.From, HeaderId.Subject]);
        var content = MessageContent.FromMimeMessage(message);
        var checker = CreateSut(time: time);

        var before = await checker.VerifyAsync(content);
        time.Advance(TimeSpan.FromHours(2));
        var after = await checker.VerifyAsync(content);

        Assert.Equal(DkimResult.Pass, Assert.Single(before.Signatures).Result);
        Assert.Equal(DkimResult.Fail, Assert.Single(after.Signatures).Result);
        Assert.Equal("signature expired", after.Signatures[0].Problem);
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
        => Assert.Throws<ArgumentException>(() => CreateSut(options: new DkimOptions { MaxSignatures = 0 }));
}
