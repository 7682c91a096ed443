using System.Text;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

/// <summary>AUTH replies on the wire.</summary>
public sealed class AuthTranscriptTests
{
    private static string Plain(string user, string password) => Convert.ToBase64String(Encoding.UTF8.GetBytes("\0" + user + "\0" + password));

    [Fact]
    public async Task Auth_BeforeTls_538()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions }, authenticator: new TestAuthenticator());
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("538 5.7.11 Encryption required for requested authentication mechanism", await c.CommandAsync("AUTH PLAIN " + Plain("alice", "secret")));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("550 5.7.1 Relaying denied", await c.CommandAsync("RCPT TO:<x@foreign.test>"));
    }

    [Fact]
    public async Task Auth_Plaintext_WrongPassword535_ThenRightPassword235()
    {
        await using var server = await TestServer.StartAsync(l => l with { RequireTlsForAuth = false }, authenticator: new TestAuthenticator());
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.ReadReplyAsync();
        await c.SendAsync("EHLO client.test");
        Assert.Equal("250 AUTH PLAIN LOGIN", (await c.ReadReplyAsync())[^1]);
        Assert.Equal("535 5.7.8 Authentication credentials invalid", await c.CommandAsync("AUTH PLAIN " + Plain("alice", "wrong")));
        Assert.Equal("334 VXNlcm5hbWU6", await c.CommandAsync("AUTH LOGIN"));
        Assert.Equal("334 UGFzc3dvcmQ6", await c.CommandAsync(Convert.ToBase64String("alice"u8.ToArray())));
        Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync(Convert.ToBase64String("secret"u8.ToArray())));
        Assert.Equal("503 5.5.1 Already authenticated", await c.CommandAsync("AUTH PLAIN " + Plain("alice", "secret")));
    }

    [Fact]
    public async Task Auth_Cancelled_501()
    {
        await using var server = await TestServer.StartAsync(l => l with { RequireTlsForAuth = false }, authenticator: new TestAuthenticator());
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("334 ", await c.CommandAsync("AUTH PLAIN"));
        Assert.Equal("501 5.0.0 Authentication cancelled", await c.CommandAsync("*"));
        Assert.Equal("504 5.5.4 Unrecognized authentication mechanism", await c.CommandAsync("AUTH CRAM-MD5"));
        Assert.Equal("501 5.5.2 Cannot decode response", await c.CommandAsync("AUTH PLAIN !!!"));
    }
}
