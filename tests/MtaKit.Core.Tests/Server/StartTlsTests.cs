using System.Net.Security;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class StartTlsTests
{
    private static async Task<SslStream> HandshakeAsync(RawSmtpClient c)
    {
        var ssl = new SslStream(c.NetworkStream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mx.test" });
        c.UseStream(ssl);
        return ssl;
    }

    [Fact]
    public async Task StartTls_InjectedCommand_Discarded()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions });
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.test");
        Assert.Equal("250 STARTTLS", (await c.ReadReplyAsync())[^1]);
        await c.SendRawAsync("STARTTLS\r\nMAIL FROM:<x@sender.test>\r\n");
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.ReadLastLineAsync());
        await using var ssl = await HandshakeAsync(c);
        // Had the injected MAIL run, its reply would come first here; and MAIL would need no new EHLO.
        Assert.Equal("503 5.5.1 Send HELO/EHLO first", await c.CommandAsync("MAIL FROM:<x@sender.test>"));
        await c.SendAsync("EHLO client.test");
        var ehlo = await c.ReadReplyAsync();
        Assert.DoesNotContain(ehlo, l => l.EndsWith("STARTTLS", StringComparison.Ordinal));
        Assert.Equal("250 ENHANCEDSTATUSCODES", ehlo[^1]);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<x@sender.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.StartsWith("250 2.0.0 Ok: queued as ", await c.CommandAsync("secret\r\n."));
        Assert.Equal("503 5.5.1 TLS already active", await c.CommandAsync("STARTTLS"));
        Assert.Contains("with ESMTPS id", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartTls_TransactionBefore_IsReset()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions });
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<x@sender.test>"));
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.CommandAsync("STARTTLS"));
        await using var ssl = await HandshakeAsync(c);
        await c.SendAsync("EHLO client.test");
        await c.ReadReplyAsync();
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.True(await Session.EventuallyAsync(() => server.Handler.OpenTransactions == 0));
    }

    [Fact]
    public async Task RequireTls_MailBeforeStartTls_530()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions, RequireTls = true });
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("530 5.7.0 Must issue a STARTTLS command first", await c.CommandAsync("MAIL FROM:<x@sender.test>"));
    }

    [Fact]
    public async Task StartTls_GarbageHandshake_ConnectionClosed()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions });
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.CommandAsync("STARTTLS"));
        await c.SendAsync("EHLO this is not TLS");
        Assert.True(await c.IsClosedAsync());
        Assert.True(await Session.EventuallyAsync(() => server.Server.ActiveConnections == 0));
    }
}
