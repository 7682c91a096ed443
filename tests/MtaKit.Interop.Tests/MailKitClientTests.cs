using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MtaKit.Testing;

namespace MtaKit.Interop.Tests;

/// <summary>MailKit's SmtpClient into the hosted relay, CHUNKING offered or not, plain and STARTTLS: byte-identical at the next hop.</summary>
public sealed class MailKitClientTests
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public async Task MailKit_IntoRelay_BodyByteIdenticalAtNextHop(bool chunking, bool tls)
    {
        using var dir = new TempDirectory();
        var (cert, key) = TestCertificates.WritePem(Path.Combine(dir.Path, "tls"), "relay.interop.test");
        await using var capture = CaptureServer.Start();
        await using var relay = await RelayHost.StartAsync(capture.Port, s =>
        {
            s["MtaKit:Listeners:smtp:Tls:CertificatePath"] = cert;
            s["MtaKit:Listeners:smtp:Tls:KeyPath"] = key;
            s["MtaKit:Listeners:smtp:Extensions:Chunking"] = chunking ? "true" : "false";
        });
        var to = $"user@{capture.Domain}";
        var message = MimeMessage.Load(new MemoryStream(InteropMessage.Create("sender@client.test", to, $"mailkit-{chunking}-{tls}")));
        var expected = Serialise(message);
        var log = new MemoryStream();
        using (var client = new SmtpClient(new ProtocolLogger(log, leaveOpen: true)))
        {
            client.LocalDomain = "client.interop.test";
            client.ServerCertificateValidationCallback = (_, _, _, _) => true;
            client.Timeout = 30_000;
            await client.ConnectAsync("127.0.0.1", relay.Port, tls ? SecureSocketOptions.StartTls : SecureSocketOptions.None);
            Assert.Equal(chunking, client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
            await client.SendAsync(message);
            await client.DisconnectAsync(true);
        }

        // MailKit sends BDAT only for BODY=BINARYMIME, which the relay offers only when its next hops
        // do; with or without CHUNKING offered this 8-bit message goes as DATA with BODY=8BITMIME.
        var transcript = System.Text.Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("BODY=8BITMIME", transcript, StringComparison.Ordinal);
        Assert.Contains("C: DATA", transcript, StringComparison.Ordinal);
        Assert.True(await capture.WaitForAsync(1, Peers.DeliveryTimeout));
        var got = Assert.Single(capture.Messages);
        InteropMessage.AssertIdentical(expected, got.WithoutTrace);
        Assert.Contains(tls ? "with ESMTPS" : "with ESMTP ", got.Text, StringComparison.Ordinal);
    }

    /// <summary>What MailKit puts on the wire for a message without Bcc headers: MimeKit's CRLF serialisation.</summary>
    private static byte[] Serialise(MimeMessage message)
    {
        using var s = new MemoryStream();
        message.WriteTo(new FormatOptions { NewLineFormat = NewLineFormat.Dos }, s);
        return s.ToArray();
    }
}
