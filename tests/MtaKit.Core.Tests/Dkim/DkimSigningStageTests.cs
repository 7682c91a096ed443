using System.Globalization;
using System.Text;
using MimeKit;
using MimeKit.Cryptography;
using MtaKit.Core.Tests.Policy.Dkim;
using MtaKit.Core.Tests.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Dkim;

/// <summary>
/// Signing on the wire: the bytes the handler receives (what a spool stores or a relay sends) verify with MimeKit's
/// DkimVerifier and with dkimpy, the keys served by a private dnsmasq.
/// </summary>
public sealed class DkimSigningStageTests(DkimDnsServer dns) : IClassFixture<DkimDnsServer>
{
    private static async Task<DeliveredMessage> SubmitAsync(string message, params object[] stages)
    {
        var pipeline = new SmtpPipelineBuilder();
        foreach (var stage in stages)
        {
            pipeline.Use(stage);
        }

        await using var server = await TestServer.StartAsync(pipeline: pipeline.Build());
        await using var c = await Session.OpenAsync(server);
        Assert.StartsWith("250", await c.CommandAsync("MAIL FROM:<alice@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("250", await c.CommandAsync("RCPT TO:<bob@example.test>"), StringComparison.Ordinal);
        Assert.StartsWith("354", await c.CommandAsync("DATA"), StringComparison.Ordinal);
        var reply = await c.CommandAsync(message + ".");
        Assert.True(reply.StartsWith("250", StringComparison.Ordinal), reply);
        return Assert.Single(server.Handler.Messages);
    }

    private static string Message(string from = "alice@example.test", string extraHeaders = "")
        => $"From: Alice <{from}>\r\nTo: bob@example.test\r\nSubject: outbound\r\n{extraHeaders}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
           + "Hello Bob,   with  spaces \r\n\r\n.. a dot-stuffed line\r\nlast line\r\n";

    private async Task<(int ExitCode, string Output)> DkimpyVerifyAsync(byte[] message)
        => await ProcessRunner.RunAsync("/usr/bin/python3", [RepositoryPaths.File("tests/services/dkim_verify.py"), dns.Port.ToString(CultureInfo.InvariantCulture), "--all"], TimeSpan.FromSeconds(60), Encoding.ASCII.GetString(message));

    [SkippableFact]
    public async Task OnDataAsync_RsaAndEd25519_DeliveredBytesVerifyWithMimeKitAndDkimpy()
    {
        var resolver = dns.CreateResolver();
        using var dir = new TempDirectory();
        var delivered = await SubmitAsync(Message(), new SubmissionHeadersStage(), new HeaderStage(), new DkimSigningStage(DkimSigningTestKeys.Options(dir.Path)));

        var message = MimeMessage.Load(new MemoryStream(delivered.Bytes));
        var signatures = message.Headers.Where(h => h.Id == HeaderId.DkimSignature).ToList();
        Assert.Equal(2, signatures.Count);
        Assert.Contains(signatures, h => h.Value.Contains("a=rsa-sha256", StringComparison.Ordinal) && h.Value.Contains("s=sel1", StringComparison.Ordinal));
        Assert.Contains(signatures, h => h.Value.Contains("a=ed25519-sha256", StringComparison.Ordinal) && h.Value.Contains("s=ed1", StringComparison.Ordinal));
        Assert.All(signatures, h => Assert.Contains("c=relaxed/relaxed", h.Value, StringComparison.Ordinal));
        Assert.All(signatures, h => Assert.Contains("date", h.Value.ToLowerInvariant(), StringComparison.Ordinal)); // the added Date is signed

        var verifier = new DkimVerifier(new DnsDkimPublicKeyLocator(resolver));
        foreach (var signature in signatures)
        {
            Assert.True(await verifier.VerifyAsync(message, signature), "MimeKit: " + signature.Value);
        }

        var theirs = await DkimpyVerifyAsync(delivered.Bytes);
        Assert.True(theirs.ExitCode == 0, theirs.Output);
        Assert.Contains("signature ok d=example.test s=sel1", theirs.Output, StringComparison.Ordinal);
        Assert.Contains("signature ok d=example.test s=ed1", theirs.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task OnDataAsync_SubdomainFrom_SignedByParentAndTamperingDetected()
    {
        var resolver = dns.CreateResolver();
        using var dir = new TempDirectory();
        var delivered = await SubmitAsync(Message("news@mail.example.test"), new DkimSigningStage(DkimSigningTestKeys.Options(dir.Path)));

        var ours = await new DkimChecker(resolver).VerifyAsync(MessageContent.FromBytes(delivered.Bytes));
        Assert.Equal(2, ours.Signatures.Count);
        Assert.All(ours.Signatures, s => Assert.Equal(DkimResult.Pass, s.Result));

        var tampered = Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(delivered.Bytes).Replace("last line", "last lime", StringComparison.Ordinal));
        var theirs = await DkimpyVerifyAsync(tampered);
        Assert.Equal(1, theirs.ExitCode);
    }

    [Fact]
    public async Task OnDataAsync_NoKeyForFromDomain_Unsigned()
    {
        using var dir = new TempDirectory();
        var delivered = await SubmitAsync(Message("someone@other.test"), new DkimSigningStage(DkimSigningTestKeys.Options(dir.Path)));

        Assert.DoesNotContain("DKIM-Signature", delivered.Text, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void SigningDomainFor_ParentsWalkedUp()
    {
        using var dir = new TempDirectory();
        var sut = new DkimSigningStage(DkimSigningTestKeys.Options(dir.Path));

        Assert.Equal("example.test", sut.SigningDomainFor("example.test"));
        Assert.Equal("example.test", sut.SigningDomainFor("a.b.Example.Test."));
        Assert.Null(sut.SigningDomainFor("example.test.org"));
        Assert.Null(sut.SigningDomainFor("test"));
    }

    [Fact]
    public void Constructor_BadOptions_ThrowsNamingKeys()
    {
        using var dir = new TempDirectory();
        var notAKey = Path.Combine(dir.Path, "x.pem");
        File.WriteAllText(notAKey, "hello\n");

        var missing = Assert.Throws<ArgumentException>(() => new DkimSigningStage(new DkimSigningOptions
        {
            Keys = [new DkimSigningKey { Domain = "example.test", Selector = "s", PrivateKeyPath = Path.Combine(dir.Path, "none.pem") }],
            SignedHeaders = ["Subject", "Received"],
        }));
        var garbage = Assert.Throws<ArgumentException>(() => new DkimSigningStage(new DkimSigningOptions
        {
            Keys = [new DkimSigningKey { Domain = "example.test", Selector = "s", PrivateKeyPath = notAKey }],
        }));

        Assert.Contains("MtaKit:Dkim:Keys:0:PrivateKeyPath must name a PEM key file", missing.Message, StringComparison.Ordinal);
        Assert.Contains("SignedHeaders must include From", missing.Message, StringComparison.Ordinal);
        Assert.Contains("must not include DKIM-Signature, Received", missing.Message, StringComparison.Ordinal);
        Assert.Contains("MtaKit:Dkim:Keys:0:PrivateKeyPath: not an RSA or Ed25519 private key", garbage.Message, StringComparison.Ordinal);
    }

    /// <summary>Another stage's header, added before signing.</summary>
    private sealed class HeaderStage : IDataStage
    {
        public ValueTask<SmtpVerdict> OnDataAsync(DataContext context, StageDelegate<DataContext> next)
        {
            context.AddHeader("X-Scanned", "clean");
            return next(context);
        }
    }
}
