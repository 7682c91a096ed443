using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Cryptography;
using MtaKit.Testing;
using Org.BouncyCastle.Crypto;

namespace MtaKit.Hosting.Tests.Submission;

/// <summary>
/// The submission side end to end on loopback: MailKit and swaks submit over 587 STARTTLS and 465 implicit TLS, the
/// message is signed, spooled, relayed to a Mailstore, and the stored bytes verify with MimeKit and dkimpy.
/// </summary>
public sealed class SubmissionHostTests
{
    private static MimeMessage NewMessage(string from = SubmissionHost.User)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("bob@example.test"));
        message.Subject = "outbound test";
        message.Body = new TextPart("plain") { Text = "Hello Bob,\n\nsigned by the outbound relay.\n" };
        return message;
    }

    private static async Task<SmtpClient> ConnectAsync(System.Net.IPEndPoint endPoint, SecureSocketOptions tls)
    {
        var client = new SmtpClient { ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 30_000 };
        await client.ConnectAsync(endPoint.Address.ToString(), endPoint.Port, tls);
        return client;
    }

    private static async Task AssertDkimVerifiesAsync(byte[] stored, string publicKey)
    {
        var message = MimeMessage.Load(new MemoryStream(stored));
        var signature = Assert.Single(message.Headers, h => h.Id == HeaderId.DkimSignature);
        Assert.Contains("d=example.test", signature.Value, StringComparison.Ordinal);
        Assert.True(await new DkimVerifier(new FixedKeyLocator(publicKey)).VerifyAsync(message, signature), "MimeKit DkimVerifier");

        ServiceEnvironment.RequireProgram("dkimverify"); // python3-dkim
        const string Script = "import sys, dkim\ntxt = sys.argv[1].encode()\nok = dkim.verify(sys.stdin.buffer.read(), dnsfunc=lambda name, timeout=5: txt)\nprint('dkimpy', ok)\nsys.exit(0 if ok else 1)\n";
        var (exit, output) = await ProcessRunner.RunAsync("/usr/bin/python3", ["-c", Script, "v=DKIM1; k=rsa; p=" + publicKey], TimeSpan.FromSeconds(60), Encoding.ASCII.GetString(stored));
        Assert.True(exit == 0, output);
    }

    [SkippableFact]
    public async Task MailKit_StartTlsOn587_AuthSignedSpooledRelayedAndVerifies()
    {
        await using var host = await SubmissionHost.StartAsync();
        using (var plain = await ConnectAsync(host.Submission, SecureSocketOptions.None))
        {
            Assert.True(plain.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
            Assert.Empty(plain.AuthenticationMechanisms); // AUTH is offered only after TLS
            var e = await Assert.ThrowsAsync<MailKit.ServiceNotAuthenticatedException>(() => plain.SendAsync(NewMessage()));
            Assert.Equal("5.7.0 Authentication required", e.Message);
        }

        using var client = await ConnectAsync(host.Submission, SecureSocketOptions.StartTls);
        Assert.Contains("PLAIN", client.AuthenticationMechanisms);
        await client.AuthenticateAsync(SubmissionHost.User, SubmissionHost.Password);
        var response = await client.SendAsync(NewMessage());
        await client.DisconnectAsync(true);

        Assert.StartsWith("2.0.0", response, StringComparison.Ordinal);
        var stored = await host.WaitForStoredAsync("bob@example.test");
        var text = Encoding.ASCII.GetString(stored);
        Assert.Contains("with ESMTPSA", text, StringComparison.Ordinal);
        await AssertDkimVerifiesAsync(stored, host.DkimPublicKeyBase64);
    }

    [SkippableFact]
    public async Task MailKit_ImplicitTlsOn465_NoDateNoMessageId_AddedAndSigned()
    {
        await using var host = await SubmissionHost.StartAsync();
        using var client = await ConnectAsync(host.Smtps, SecureSocketOptions.SslOnConnect);
        await client.AuthenticateAsync(SubmissionHost.User, SubmissionHost.Password);
        var message = NewMessage();
        message.Headers.Remove(HeaderId.Date);
        message.Headers.Remove(HeaderId.MessageId);
        var options = FormatOptions.Default.Clone();
        await client.SendAsync(options, message);
        await client.DisconnectAsync(true);

        var stored = await host.WaitForStoredAsync("bob@example.test");
        var parsed = MimeMessage.Load(new MemoryStream(stored));
        Assert.EndsWith("@outbound.test", parsed.MessageId, StringComparison.Ordinal);
        Assert.True(parsed.Headers.Contains(HeaderId.Date));
        await AssertDkimVerifiesAsync(stored, host.DkimPublicKeyBase64);
    }

    [SkippableFact]
    public async Task MailKit_SendingAsSomeoneElse_553AndNothingRelayed()
    {
        await using var host = await SubmissionHost.StartAsync();
        using var client = await ConnectAsync(host.Submission, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(SubmissionHost.User, SubmissionHost.Password);

        var envelope = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(NewMessage("ceo@other.test")));
        var header = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(
            NewMessage("ceo@other.test"), MailboxAddress.Parse(SubmissionHost.User), [MailboxAddress.Parse("bob@example.test")]));

        Assert.Equal(553, (int)envelope.StatusCode);
        Assert.Equal("5.7.1 Sender address <ceo@other.test> not allowed for authenticated user", envelope.Message);
        Assert.Equal(553, (int)header.StatusCode);
        Assert.Equal("5.7.1 From address <ceo@other.test> not allowed for authenticated user", header.Message);
        Assert.True(host.Log.Has(6020, "may not send as <ceo@other.test> (MAIL FROM)"));
        Assert.True(host.Log.Has(6020, "may not send as <ceo@other.test> (From header)"));
        await Task.Delay(500);
        Assert.False(Directory.Exists(Path.Combine(host.MaildirRoot, "bob@example.test")));
    }

    [SkippableTheory]
    [InlineData("submission", "--tls")]
    [InlineData("smtps", "--tlsc")]
    public async Task Swaks_AuthOverTls_Delivered(string listener, string tlsOption)
    {
        var swaks = ServiceEnvironment.RequireProgram("swaks");
        await using var host = await SubmissionHost.StartAsync();
        var ep = listener == "smtps" ? host.Smtps : host.Submission;

        var (exit, output) = await ProcessRunner.RunAsync(swaks, [
            "--server", $"{ep.Address}:{ep.Port}", tlsOption, "--auth", "PLAIN", "--auth-user", SubmissionHost.User, "--auth-password", SubmissionHost.Password,
            "--from", SubmissionHost.User, "--to", "bob@example.test", "--helo", "client.test",
            "--header", "From: Alice <alice@example.test>", "--header", "Subject: swaks " + listener], TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, output);
        Assert.Contains("235 2.7.0 Authentication successful", output, StringComparison.Ordinal);
        await AssertDkimVerifiesAsync(await host.WaitForStoredAsync("bob@example.test"), host.DkimPublicKeyBase64);
    }

    [SkippableFact]
    public async Task Swaks_WrongPasswordThenFlood_535Then454()
    {
        var swaks = ServiceEnvironment.RequireProgram("swaks");
        await using var host = await SubmissionHost.StartAsync();
        var ep = host.Submission;
        async Task<string> TryAsync(string password)
        {
            var (exit, output) = await ProcessRunner.RunAsync(swaks, [
                "--server", $"{ep.Address}:{ep.Port}", "--tls", "--auth", "PLAIN", "--auth-user", SubmissionHost.User, "--auth-password", password,
                "--from", SubmissionHost.User, "--to", "bob@example.test", "--quit-after", "AUTH"], TimeSpan.FromSeconds(60));
            Assert.NotEqual(0, exit);
            return output;
        }

        for (var i = 0; i < 3; i++)
        {
            Assert.Contains("535 5.7.8 Authentication credentials invalid", await TryAsync("wrong" + i), StringComparison.Ordinal);
        }

        Assert.Contains("454 4.7.0 Too many failed authentication attempts", await TryAsync(SubmissionHost.Password), StringComparison.Ordinal);
        Assert.True(host.Log.Has(6010, "AUTH failed for alice@example.test"));
        Assert.True(host.Log.Has(6011, "AUTH throttled for alice@example.test"));
    }

    [SkippableFact]
    public async Task Raw_AuthBeforeStartTls_Refused()
    {
        await using var host = await SubmissionHost.StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(host.Submission);
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.test");
        var ehlo = await c.ReadReplyAsync();
        Assert.Contains(ehlo, l => l.EndsWith("STARTTLS", StringComparison.Ordinal));
        Assert.DoesNotContain(ehlo, l => l.Contains("AUTH", StringComparison.Ordinal));

        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await c.CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + SubmissionHost.User + "\0" + SubmissionHost.Password))));
        Assert.Equal("530 5.7.0 Authentication required", await c.CommandAsync("MAIL FROM:<alice@example.test>"));
    }

    [SkippableFact]
    public async Task MailKit_UserRateLimitExceeded_450()
    {
        await using var host = await SubmissionHost.StartAsync(new()
        {
            ["MtaKit:RateLimits:0:Key"] = "User",
            ["MtaKit:RateLimits:0:Phase"] = "Mail",
            ["MtaKit:RateLimits:0:Limit"] = "1",
            ["MtaKit:RateLimits:0:Window"] = "01:00:00",
        });
        using var client = await ConnectAsync(host.Submission, SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(SubmissionHost.User, SubmissionHost.Password);
        await client.SendAsync(NewMessage());

        var e = await Assert.ThrowsAsync<SmtpCommandException>(() => client.SendAsync(NewMessage()));

        Assert.Equal(450, (int)e.StatusCode);
        Assert.StartsWith("4.7.1", e.Message, StringComparison.Ordinal);
        Assert.Contains(host.Log.Events, l => l.EventId == 4100);
    }

    [Theory]
    [InlineData("MtaKit:Auth:UsersFile", "", "MtaKit:Auth:UsersFile is required")]
    [InlineData("MtaKit:Auth:Senders:bob@example.test:0", "not-an-address", "MtaKit:Auth:Senders:bob@example.test:0 must be an address or '@domain'")]
    [InlineData("MtaKit:Auth:Throttle:Window", "00:00:00", "MtaKit:Auth:Throttle:Window must be between 1 second and 7 days")]
    [InlineData("MtaKit:Dkim:Keys:0:PrivateKeyPath", "/nonexistent/key.pem", "MtaKit:Dkim:Keys:0:PrivateKeyPath must name a PEM key file")]
    public async Task StartAsync_BadSubmissionConfiguration_FailsNamingTheKey(string key, string value, string expected)
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => SubmissionHost.StartAsync(new() { [key] = value }));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    private sealed class FixedKeyLocator(string publicKeyBase64) : DkimPublicKeyLocatorBase
    {
        public override AsymmetricKeyParameter LocatePublicKey(string methods, string domain, string selector, CancellationToken cancellationToken = default)
            => GetPublicKey("v=DKIM1; k=rsa; p=" + publicKeyBase64);

        public override Task<AsymmetricKeyParameter> LocatePublicKeyAsync(string methods, string domain, string selector, CancellationToken cancellationToken = default)
            => Task.FromResult(LocatePublicKey(methods, domain, selector, cancellationToken));
    }
}
