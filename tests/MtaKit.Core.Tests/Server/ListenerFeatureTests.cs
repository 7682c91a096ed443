using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>Listener options: implicit TLS, SNI, required AUTH, DSN parameters, overload timeouts, dual-mode sockets.</summary>
public sealed class ListenerFeatureTests
{
    [Fact]
    public async Task ImplicitTls_MailKitSslOnConnect_Delivers()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions, ImplicitTls = true });
        using var client = new SmtpClient { LocalDomain = "client.test", ServerCertificateValidationCallback = (_, _, _, _) => true, Timeout = 10_000 };
        await client.ConnectAsync("127.0.0.1", server.EndPoint.Port, SecureSocketOptions.SslOnConnect);
        Assert.True(client.IsSecure);
        Assert.False(client.Capabilities.HasFlag(SmtpCapabilities.StartTLS));
        var m = new MimeKit.MimeMessage();
        m.From.Add(MimeKit.MailboxAddress.Parse("a@sender.test"));
        m.To.Add(MimeKit.MailboxAddress.Parse("b@example.test"));
        m.Body = new MimeKit.TextPart("plain") { Text = "tls" };
        await client.SendAsync(m);
        await client.DisconnectAsync(true);
        Assert.Contains("with ESMTPS id", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_Sni_PicksMatchingCertificate()
    {
        using var first = TestCertificate.Create("mx.test");
        using var second = TestCertificate.Create("mail.other.test");
        var tls = new SmtpTlsOptions { Certificates = [first.TlsOptions.Certificates[0], second.TlsOptions.Certificates[0]] };
        var names = new ConcurrentQueue<string?>();
        var stage = new TestStage { Helo = (context, next) => { names.Enqueue(context.Session.TlsServerName); return next(context); } };
        await using var server = await TestServer.StartAsync(l => l with { Tls = tls }, pipeline: TestStage.Pipeline(stage));
        foreach (var (host, expected) in new[] { ("mail.other.test", "CN=mail.other.test"), ("unknown.test", "CN=mx.test") })
        {
            await using var c = await Session.OpenAsync(server);
            Assert.Equal("220 2.0.0 Ready to start TLS", await c.CommandAsync("STARTTLS"));
            var ssl = new SslStream(c.NetworkStream, true, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = host });
            Assert.Equal(expected, ssl.RemoteCertificate!.Subject);
            c.UseStream(ssl);
            Assert.StartsWith("250 ", await c.CommandAsync("EHLO client.test"));
            await ssl.DisposeAsync();
        }

        Assert.Equal([null, "mail.other.test", null, "unknown.test"], names);
    }

    [Fact]
    public async Task RequireAuth_MailBeforeAuth_530()
    {
        await using var server = await TestServer.StartAsync(l => l with { RequireAuth = true, RequireTlsForAuth = false }, authenticator: new TestAuthenticator());
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("530 5.7.0 Authentication required", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice\0secret"u8.ToArray())));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test> AUTH=alice+40sender.test"));
        Assert.Equal("503 5.5.1 Already authenticated", await c.CommandAsync("AUTH PLAIN x"));
    }

    [Fact]
    public async Task Dsn_ParametersParsedAndRecorded()
    {
        var handler = new CollectingHandler();
        var rcptParameters = new ConcurrentQueue<RcptParameters>();
        handler.OnRecipient = context =>
        {
            rcptParameters.Enqueue(context.Parameters);
            return SmtpVerdict.Accept();
        };
        await using var server = await TestServer.StartAsync(l => l with { Extensions = SmtpExtensions.Default | SmtpExtensions.Dsn }, handler: handler);
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.test");
        Assert.Contains("250-DSN", await c.ReadReplyAsync());
        Assert.Equal("501 5.5.4 Bad RET parameter", await c.CommandAsync("MAIL FROM:<a@sender.test> RET=ALL"));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test> RET=HDRS ENVID=id+2B1"));
        Assert.Equal("501 5.5.4 Bad NOTIFY parameter", await c.CommandAsync("RCPT TO:<b@example.test> NOTIFY=NEVER,SUCCESS"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;b+40example.test"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.StartsWith("250 ", await c.CommandAsync("x\r\n."));
        var m = Assert.Single(server.Handler.Messages);
        Assert.Equal(DsnReturn.Headers, m.Parameters.Return);
        Assert.Equal("id+1", m.Parameters.EnvelopeId);
        var p = Assert.Single(rcptParameters);
        Assert.Equal(DsnNotify.Success | DsnNotify.Failure, p.Notify);
        Assert.Equal("rfc822", p.OriginalRecipientType);
        Assert.Equal("b@example.test", p.OriginalRecipient);
    }

    [Fact]
    public async Task Overloaded_ShorterCommandTimeout()
    {
        var limits = new SmtpLimits { MaxConnections = 4, OverloadThreshold = 0.25, OverloadCommandTimeout = TimeSpan.FromMilliseconds(300) };
        await using var server = await TestServer.StartAsync(l => l with { Limits = limits });
        await using var a = await Session.OpenAsync(server, ehlo: false);
        await using var b = await Session.OpenAsync(server, ehlo: false);
        Assert.Equal("421 4.4.2 Timeout: closing connection", await b.ReadLastLineAsync());
    }

    [Fact]
    public async Task Helo_ReceivedSaysSmtp_AndExtensionsRefused()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server, ehlo: false);
        Assert.Equal("250 mx.test", await c.CommandAsync("HELO old.client.test"));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.StartsWith("250 ", await c.CommandAsync("x\r\n."));
        Assert.StartsWith("Received: from old.client.test ([127.0.0.1])\r\n\tby mx.test (MtaKit) with SMTP id ", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bdat_ZeroLast_EmptyMessageDelivered()
    {
        await using var server = await TestServer.StartAsync();
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<a@sender.test> BODY=BINARYMIME\r\nRCPT TO:<b@example.test>\r\nBDAT 0 LAST\r\n");
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        var m = Assert.Single(server.Handler.Messages);
        Assert.Equal(string.Empty, m.Original);
        Assert.Equal(BodyType.BinaryMime, m.Parameters.Body);
        Assert.Contains(" with UTF8SMTP id ", (await SendUtf8Async(server)).Text, StringComparison.Ordinal);
    }

    private static async Task<DeliveredMessage> SendUtf8Async(TestServer server)
    {
        await using var c = await Session.OpenAsync(server);
        await c.SendRawAsync("MAIL FROM:<é@sender.test> SMTPUTF8\r\nRCPT TO:<b@example.test>\r\nBDAT 2 LAST\r\nhi");
        Assert.Equal("250 2.1.0 Sender OK", await c.ReadLastLineAsync());
        Assert.Equal("250 2.1.5 Recipient OK", await c.ReadLastLineAsync());
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.ReadLastLineAsync());
        return server.Handler.Messages.Single(m => m.Sender == "é@sender.test");
    }

    [SkippableFact]
    public async Task DualModeListener_Ipv4Client_NormalisedToIpv4()
    {
        var seen = new ConcurrentQueue<IPEndPoint>();
        var stage = new TestStage { Connect = (context, next) => { seen.Enqueue(context.Session.RemoteEndPoint); return next(context); } };
        TestServer server;
        try
        {
            server = await TestServer.StartAsync(l => l with { EndPoint = new IPEndPoint(IPAddress.IPv6Any, 0) }, pipeline: TestStage.Pipeline(stage));
        }
        catch (SocketException e)
        {
            Skip.If(true, "no IPv6 on this machine: " + e.Message);
            return;
        }

        await using (server)
        {
            await using var c = await RawSmtpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, server.EndPoint.Port));
            Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
            var remote = Assert.Single(seen);
            Assert.Equal(IPAddress.Loopback, remote.Address);
        }
    }
}
