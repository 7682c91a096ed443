using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace MtaKit.Core.Tests.Server;

/// <summary>MailKit's SmtpClient as a real peer of the engine.</summary>
public sealed class MailKitInteropTests
{
    private static MimeMessage NewMessage(string from = "sender@sender.test", string to = "rcpt@example.test")
    {
        var m = new MimeMessage();
        m.From.Add(MailboxAddress.Parse(from));
        m.To.Add(MailboxAddress.Parse(to));
        m.Subject = "Interop";
        m.MessageId = "interop@sender.test";
        m.Date = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        m.Body = new TextPart("plain") { Text = "Hello\r\n.leading dot\r\n..two dots\r\nend\r\n" };
        return m;
    }

    private static byte[] Serialise(MimeMessage message, bool international = false)
    {
        var options = FormatOptions.Default.Clone();
        options.NewLineFormat = NewLineFormat.Dos;
        options.International = international;
        options.HiddenHeaders.Add(HeaderId.Bcc);
        options.HiddenHeaders.Add(HeaderId.ResentBcc);
        options.HiddenHeaders.Add(HeaderId.ContentLength);
        using var s = new MemoryStream();
        message.WriteTo(options, s);
        return s.ToArray();
    }

    private static async Task<SmtpClient> ConnectAsync(TestServer server, SmtpClient? client = null, SecureSocketOptions tls = SecureSocketOptions.None)
    {
        client ??= new SmtpClient();
        client.LocalDomain = "client.test";
        client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        client.Timeout = 10_000;
        await client.ConnectAsync("127.0.0.1", server.EndPoint.Port, tls);
        return client;
    }

    [Fact]
    public async Task Send_PlainWithPipelining_DeliversExactBytesOverData()
    {
        await using var server = await TestServer.StartAsync(l => l with { Extensions = MtaKit.Server.SmtpExtensions.Default & ~(MtaKit.Server.SmtpExtensions.Chunking | MtaKit.Server.SmtpExtensions.BinaryMime) });
        var log = new MemoryStream();
        using var client = await ConnectAsync(server, new SmtpClient(new ProtocolLogger(log, leaveOpen: true)));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Pipelining));
        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
        var message = NewMessage();
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var m = Assert.Single(server.Handler.Messages);
        Assert.Equal("sender@sender.test", m.Sender);
        Assert.Equal(["rcpt@example.test"], m.Recipients);
        Assert.Equal(Serialise(message), System.Text.Encoding.UTF8.GetBytes(m.Original));
        var transcript = System.Text.Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("C: DATA", transcript, StringComparison.Ordinal);
        // Pipelined: MAIL and RCPT went out in one write, so the logger shows them without a server reply between.
        Assert.Matches(@"C: MAIL FROM:<sender@sender.test>[^\n]*\r?\nC: RCPT TO:<rcpt@example.test>", transcript);
    }

    [Fact]
    public async Task Send_Chunking_UsesBdatAndArrivesByteExact()
    {
        await using var server = await TestServer.StartAsync();
        var log = new MemoryStream();
        using var client = await ConnectAsync(server, new BdatClient(new ProtocolLogger(log, leaveOpen: true)));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.Chunking));
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.BinaryMime));
        var message = NewMessage();
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var transcript = System.Text.Encoding.UTF8.GetString(log.ToArray());
        Assert.Contains("C: BDAT ", transcript, StringComparison.Ordinal);
        Assert.DoesNotContain("C: DATA", transcript, StringComparison.Ordinal);
        var m = Assert.Single(server.Handler.Messages);
        Assert.Equal(Serialise(message), System.Text.Encoding.UTF8.GetBytes(m.Original));
        Assert.Contains("\r\n..two dots\r\n", m.Original, StringComparison.Ordinal); // BDAT is never dot-stuffed
    }

    [Fact]
    public async Task Send_SmtpUtf8Address_Accepted()
    {
        await using var server = await TestServer.StartAsync();
        using var client = await ConnectAsync(server);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.UTF8));
        var message = NewMessage("jösé@sender.test", "ünï@bücher.example.test");
        await client.SendAsync(message);
        await client.DisconnectAsync(true);

        var m = Assert.Single(server.Handler.Messages);
        Assert.Equal("jösé@sender.test", m.Sender);
        Assert.Equal(["ünï@bücher.example.test"], m.Recipients);
        Assert.True(m.Parameters.SmtpUtf8);
    }

    [Fact]
    public async Task Send_StartTlsThenAuthPlain_DeliversAsAuthenticated()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions }, authenticator: new TestAuthenticator());
        using var client = await ConnectAsync(server, tls: SecureSocketOptions.StartTls);
        Assert.True(client.IsSecure);
        Assert.Contains("PLAIN", client.AuthenticationMechanisms);
        await client.AuthenticateAsync(new SaslMechanismPlain("alice", "secret"));
        await client.SendAsync(NewMessage(to: "someone@foreign.test")); // authenticated clients may relay
        await client.DisconnectAsync(true);

        var m = Assert.Single(server.Handler.Messages);
        Assert.Equal(["someone@foreign.test"], m.Recipients);
        Assert.Matches(@"^Received: from client\.test \(\[127\.0\.0\.1\]\)\r\n\t\(using TLSv1\.[23] with cipher [^)]+\)\r\n\tby mx\.test \(MtaKit\) with ESMTPSA id ", m.Text);
    }

    [Fact]
    public async Task Authenticate_LoginOverTls_Succeeds()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions }, authenticator: new TestAuthenticator());
        using var client = await ConnectAsync(server, tls: SecureSocketOptions.StartTls);
        await client.AuthenticateAsync(new SaslMechanismLogin("alice", "secret"));
        Assert.True(client.IsAuthenticated);
        await client.DisconnectAsync(true);
    }

    [Fact]
    public async Task Authenticate_WrongPassword_Fails()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions }, authenticator: new TestAuthenticator());
        using var client = await ConnectAsync(server, tls: SecureSocketOptions.StartTls);
        var e = await Assert.ThrowsAsync<AuthenticationException>(() => client.AuthenticateAsync(new SaslMechanismPlain("alice", "wrong")));
        Assert.Contains("Authentication credentials invalid", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_WithoutTls_AuthNotOffered()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions }, authenticator: new TestAuthenticator());
        using var client = await ConnectAsync(server);
        Assert.False(client.IsSecure);
        Assert.True(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        Assert.Empty(client.AuthenticationMechanisms);
    }

    [Fact]
    public async Task Authenticate_PlaintextAllowed_Succeeds()
    {
        await using var server = await TestServer.StartAsync(l => l with { RequireTlsForAuth = false }, authenticator: new TestAuthenticator());
        using var client = await ConnectAsync(server);
        await client.AuthenticateAsync(new SaslMechanismLogin("alice", "secret"));
        Assert.True(client.IsAuthenticated);
        await client.SendAsync(NewMessage());
        await client.DisconnectAsync(true);
        Assert.Single(server.Handler.Messages);
    }

    private sealed class BdatClient(IProtocolLogger logger) : SmtpClient(logger)
    {
        protected override bool PreferSendAsBinaryData => true;
    }
}
