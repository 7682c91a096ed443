using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MtaKit.Testing;

namespace MtaKit.Hosting.Tests.Outbound;

/// <summary>
/// Issue #8's acceptance, black-box: the OutboundRelay, Mailstore and FallbackTier samples run as processes configured
/// on the command line; a private dnsmasq answers MX, null MX, AAAA and the DKIM key. MailKit and swaks submit with AUTH
/// over STARTTLS; the outbound relay signs and delivers by MX to the Mailstore listening on 127.0.0.1:25; the stored
/// signature verifies with MimeKit's verifier (MtaKit's DkimChecker) and with dkimpy. One submission to three domains
/// (reachable, down, null MX) gets one 250: delivered, handed to the fallback tier, returned to the sender as a DSN.
/// </summary>
public sealed class OutboundAcceptanceTests
{
    private const string User = "alice@sender.test";
    private const string Password = "outbound acceptance password";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    [SkippableFact]
    public async Task Submission_ThreeDomains_DeliveredHandedOffAndBounced_SignatureVerifies()
    {
        var swaks = ServiceEnvironment.RequireProgram("swaks");
        using var dir = new TempDirectory();
        using var rsa = RSA.Create(2048);
        var dkimKey = Path.Combine(dir.Path, "dkim.pem");
        await File.WriteAllTextAsync(dkimKey, rsa.ExportPkcs8PrivateKeyPem());
        var publicKey = Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo());
        await using var dns = await PrivateDnsServer.StartAsync(string.Join('\n',
            "host-record=mx.reach.test,127.0.0.1,::1",
            "mx-host=reach.test,mx.reach.test,10",
            "mx-host=sender.test,mx.reach.test,10",
            "host-record=mx.gone.test,127.0.0.2",
            "mx-host=gone.test,mx.gone.test,10",
            "mx-host=void.test,.,0",
            "txt-record=s1._domainkey.sender.test," + PrivateDnsServer.TxtStrings("v=DKIM1; k=rsa; p=" + publicKey)));

        var maildirs = Path.Combine(dir.Path, "maildirs");
        await using var mailstore = await SampleProcess.StartAsync("Mailstore", [
            "--MtaKit:ServerName=mx.reach.test", "--MtaKit:Listeners:smtp:Endpoint=127.0.0.1:25",
            "--Mailstore:Root=" + maildirs, "--Mailstore:Domains:0=reach.test", "--Mailstore:Domains:1=sender.test"],
            new IPEndPoint(IPAddress.Loopback, 25));

        var tier2Port = FreePort.Next();
        var tier2Spool = Path.Combine(dir.Path, "spool-tier2");
        await using var tier2 = await SampleProcess.StartAsync("FallbackTier", [
            "--MtaKit:ServerName=tier2.test", $"--MtaKit:Listeners:smtp:Endpoint=127.0.0.1:{tier2Port}",
            "--MtaKit:Queue:SpoolPath=" + tier2Spool, "--MtaKit:Queue:Tier:Name=tier2", "--MtaKit:Queue:Tier:Window=06:00:00",
            "--MtaKit:Dns:Servers:0=" + dns.Server, "--MtaKit:Routing:Routes:0:Domains:0=*", "--MtaKit:Routing:Routes:0:NextHops:0:Address=mx"],
            new IPEndPoint(IPAddress.Loopback, tier2Port));

        var users = Path.Combine(dir.Path, "users");
        var (added, addOutput) = await SampleProcess.RunAsync("OutboundRelay", ["user", "add", User, Password, "--MtaKit:Auth:UsersFile=" + users], Wait);
        Assert.True(added == 0, addOutput);

        var (cert, key) = TestCertificates.WritePem(Path.Combine(dir.Path, "tls"), "outbound.test");
        var submissionPort = FreePort.Next();
        await using var outbound = await SampleProcess.StartAsync("OutboundRelay", [
            "--MtaKit:ServerName=outbound.test",
            $"--MtaKit:Listeners:submission:Endpoint=127.0.0.1:{submissionPort}",
            "--MtaKit:Listeners:submission:Tls:CertificatePath=" + cert, "--MtaKit:Listeners:submission:Tls:KeyPath=" + key,
            $"--MtaKit:Listeners:smtps:Endpoint=127.0.0.1:{FreePort.Next()}",
            "--MtaKit:Listeners:smtps:Tls:CertificatePath=" + cert, "--MtaKit:Listeners:smtps:Tls:KeyPath=" + key,
            "--MtaKit:Auth:UsersFile=" + users, $"--MtaKit:Auth:Senders:{User}:0=@sender.test",
            "--MtaKit:Dkim:Keys:0:Domain=sender.test", "--MtaKit:Dkim:Keys:0:Selector=s1", "--MtaKit:Dkim:Keys:0:PrivateKeyPath=" + dkimKey,
            "--MtaKit:Dns:Servers:0=" + dns.Server,
            "--MtaKit:Queue:SpoolPath=" + Path.Combine(dir.Path, "spool-outbound"), "--MtaKit:Queue:Tier:Name=outbound",
            "--MtaKit:Queue:Tier:Window=00:00:03", $"--MtaKit:Queue:Tier:NextTier:0=127.0.0.1:{tier2Port}"],
            new IPEndPoint(IPAddress.Loopback, submissionPort));

        // MailKit: one submission, three domains, one 250.
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(User));
        message.To.AddRange([MailboxAddress.Parse("ok@reach.test"), MailboxAddress.Parse("x@gone.test"), MailboxAddress.Parse("y@void.test")]);
        message.Subject = "three domains";
        message.Body = new TextPart("plain") { Text = "One submission, three destinations.\r\n" };
        using (var client = new SmtpClient())
        {
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
            await client.ConnectAsync("127.0.0.1", submissionPort, SecureSocketOptions.StartTls);
            await client.AuthenticateAsync(User, Password);
            var reply = await client.SendAsync(message);
            Assert.StartsWith("2.0.0", reply, StringComparison.Ordinal);
            await client.DisconnectAsync(quit: true);
        }

        // swaks: a second submission over STARTTLS with AUTH.
        var (exit, output) = await ProcessRunner.RunAsync(swaks, [
            "--server", $"127.0.0.1:{submissionPort}", "--tls", "--auth", "PLAIN", "--auth-user", User, "--auth-password", Password,
            "--from", User, "--to", "swaks@reach.test", "--helo", "client.test", "--header", "From: Alice <alice@sender.test>",
            "--header", "Subject: swaks submission"], Wait);
        Assert.True(exit == 0, output);

        // Reachable: delivered by MX to the Mailstore on 127.0.0.1:25; the signatures verify with both verifiers.
        foreach (var recipient in new[] { "ok@reach.test", "swaks@reach.test" })
        {
            var stored = await WaitForFileAsync(Path.Combine(maildirs, recipient, "new"), outbound);
            var resolverOptions = new DnsOptions { Timeout = TimeSpan.FromSeconds(2), Retries = 1 };
            resolverOptions.Servers.Add(dns.Server);
            var mtaKitVerdict = await new DkimChecker(new DnsResolver(resolverOptions)).VerifyAsync(MessageContent.FromBytes(stored));
            Assert.True(mtaKitVerdict.AnyPass, $"{recipient}: MimeKit DkimVerifier: {mtaKitVerdict}");
            var (dkimpyExit, dkimpyOutput) = await ProcessRunner.RunAsync("/usr/bin/python3",
                [RepositoryPaths.File("tests/services/dkim_verify.py"), dns.Port.ToString(CultureInfo.InvariantCulture)], Wait, Encoding.ASCII.GetString(stored));
            Assert.True(dkimpyExit == 0 && dkimpyOutput.Contains("signature ok", StringComparison.Ordinal), $"{recipient}: dkimpy: {dkimpyOutput}");
        }

        // Null MX: back to the sender as an RFC 3464 DSN (delivered by MX to sender.test's Mailstore).
        var dsnBytes = await WaitForFileAsync(Path.Combine(maildirs, User, "new"), outbound);
        var dsn = MimeMessage.Load(new MemoryStream(dsnBytes));
        var report = Assert.IsType<MultipartReport>(dsn.Body);
        var status = Assert.Single(report.OfType<MessageDeliveryStatus>());
        var perRecipient = Assert.Single(status.StatusGroups, g => g["Final-Recipient"] is not null);
        Assert.Equal("dns; outbound.test", status.StatusGroups[0]["Reporting-MTA"]);
        Assert.Equal("rfc822;y@void.test", perRecipient["Final-Recipient"]?.Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal("failed", perRecipient["Action"]);
        Assert.Equal("5.1.10", perRecipient["Status"]);
        Assert.False(Directory.Exists(Path.Combine(maildirs, "x@gone.test")));

        // Down: after the outbound tier's 3 s window the message is handed to tier 2, which holds it.
        var until = DateTime.UtcNow + Wait;
        string listing;
        do
        {
            await Task.Delay(250);
            (_, listing) = await SampleProcess.RunAsync("FallbackTier", ["queue", "list", "--MtaKit:Queue:SpoolPath=" + tier2Spool], Wait);
        }
        while (!listing.Contains("x@gone.test", StringComparison.Ordinal) && DateTime.UtcNow < until);
        Assert.True(listing.Contains("x@gone.test", StringComparison.Ordinal), $"tier 2 queue:\n{listing}\noutbound log:\n{outbound.Output}");
        Assert.DoesNotContain("reach.test", listing, StringComparison.Ordinal);
    }

    private static async Task<byte[]> WaitForFileAsync(string directory, SampleProcess log)
    {
        var until = DateTime.UtcNow + Wait;
        while (DateTime.UtcNow < until)
        {
            if (Directory.Exists(directory) && Directory.GetFiles(directory) is [var file, ..])
            {
                return await File.ReadAllBytesAsync(file);
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"nothing in {directory}; outbound log:\n{log.Output}");
    }
}
