using System.Net;
using System.Net.Security;
using MtaKit.Messages;
using MtaKit.Server;

namespace MtaKit.Core.Tests.Server;

/// <summary>Session state across STARTTLS and handler faults; connection keys; the message buffer.</summary>
public sealed class SessionStateTests
{
    [Fact]
    public async Task StartTls_AfterPlaintextAuth_AuthForgotten()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions, RequireTlsForAuth = false }, authenticator: new TestAuthenticator());
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice\0secret"u8.ToArray())));
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.CommandAsync("STARTTLS"));
        await using var ssl = new SslStream(c.NetworkStream, true, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "mx.test" });
        c.UseStream(ssl);
        Assert.StartsWith("250 ", await c.CommandAsync("EHLO client.test"));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("550 5.7.1 Relaying denied", await c.CommandAsync("RCPT TO:<x@foreign.test>"));
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("RSET"));
        Assert.Equal("235 2.7.0 Authentication successful", await c.CommandAsync("AUTH PLAIN " + Convert.ToBase64String("\0alice\0secret"u8.ToArray())));
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<x@foreign.test>"));
    }

    [Fact]
    public async Task Handler_BeginThrows_451AndSessionSurvives()
    {
        var options = new SmtpServerOptions { ServerName = "mx.test", Listeners = [new SmtpListenerOptions { Name = "test", EndPoint = new IPEndPoint(IPAddress.Loopback, 0) }] };
        await using var server = new SmtpServer(options, new ThrowingHandler());
        await server.StartAsync();
        await using var c = await MtaKit.Testing.RawSmtpClient.ConnectAsync(server.GetEndPoint("test"));
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        Assert.StartsWith("250 ", await c.CommandAsync("HELO client.test"));
        Assert.Equal("451 4.3.0 Temporary local problem: try again later", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("503 5.5.1 Need MAIL command", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.Equal("250 2.0.0 Ok", await c.CommandAsync("NOOP"));
    }

    [Fact]
    public async Task Handler_AddRecipientAndDeliverThrow_451()
    {
        var handler = new CollectingHandler
        {
            OnRecipient = context => context.Recipient.LocalPart == "boom" ? throw new IOException("store down") : SmtpVerdict.Accept(),
            BeforeDeliver = _ => throw new IOException("disk full"),
        };
        await using var server = await TestServer.StartAsync(handler: handler);
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("250 2.1.0 Sender OK", await c.CommandAsync("MAIL FROM:<a@sender.test>"));
        Assert.Equal("451 4.3.0 Temporary local problem: try again later", await c.CommandAsync("RCPT TO:<boom@example.test>"));
        Assert.Equal("250 2.1.5 Recipient OK", await c.CommandAsync("RCPT TO:<b@example.test>"));
        Assert.StartsWith("354 ", await c.CommandAsync("DATA"));
        Assert.Equal("451 4.3.0 Temporary local problem: try again later", await c.CommandAsync("x\r\n."));
        Assert.Empty(handler.Messages);
        Assert.True(await Session.EventuallyAsync(() => handler.OpenTransactions == 0));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", 64, true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", 64, false)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", 48, true)]
    [InlineData("192.0.2.1", "192.0.2.2", 64, false)]
    public void ClientKey_Ipv6PerPrefix(string a, string b, int prefix, bool same)
        => Assert.Equal(same, ConnectionTracker.ClientKey(IPAddress.Parse(a), prefix).Equals(ConnectionTracker.ClientKey(IPAddress.Parse(b), prefix)));

    [Fact]
    public void ConnectionTracker_PerClientLimit_LeaveFreesSlot()
    {
        var tracker = new ConnectionTracker();
        var limits = new SmtpLimits { MaxConnections = 3, MaxConnectionsPerIp = 2 };
        Assert.Null(tracker.TryEnter(IPAddress.Parse("2001:db8::1"), limits, out var k1));
        Assert.Null(tracker.TryEnter(IPAddress.Parse("2001:db8::2"), limits, out _));
        Assert.NotNull(tracker.TryEnter(IPAddress.Parse("2001:db8::3"), limits, out _)); // same /64
        Assert.Null(tracker.TryEnter(IPAddress.Parse("192.0.2.1"), limits, out _));
        Assert.Equal("too many connections", tracker.TryEnter(IPAddress.Parse("192.0.2.2"), limits, out _));
        tracker.Leave(k1);
        Assert.Equal(2, tracker.Active);
        Assert.Null(tracker.TryEnter(IPAddress.Parse("2001:db8::4"), limits, out _));
    }

    [Theory]
    [InlineData(4096, 3000)]
    [InlineData(4096, 1)]
    [InlineData(1 << 20, 70_000)]
    public void MessageBuffer_WritesAcrossSegmentsAndSpill_ReadBackExact(int threshold, int chunk)
    {
        var temp = Path.Combine(Path.GetTempPath(), "mtakit-buf-" + Guid.NewGuid().ToString("N"));
        var data = new byte[chunk == 1 ? 20_000 : 200_000];
        new Random(42).NextBytes(data);
        var buffer = new MessageBuffer(threshold, temp);
        try
        {
            for (var i = 0; i < data.Length; i += chunk)
            {
                buffer.Write(data.AsSpan(i, Math.Min(chunk, data.Length - i)));
            }

            Assert.Equal(data.Length, buffer.Length);
            Assert.Equal(threshold < data.Length, buffer.IsSpilled);
            using var a = buffer.OpenRead();
            using var b = buffer.OpenRead();
            using var copy = new MemoryStream();
            a.CopyTo(copy);
            Assert.Equal(data, copy.ToArray());
            b.Seek(-10, SeekOrigin.End);
            var tail = new byte[20];
            Assert.Equal(10, b.Read(tail));
            Assert.Equal(data[^10..], tail[..10]);
        }
        finally
        {
            buffer.Dispose();
        }

        Assert.True(!Directory.Exists(temp) || Directory.GetFiles(temp).Length == 0);
        if (Directory.Exists(temp))
        {
            Directory.Delete(temp);
        }
    }

    private sealed class ThrowingHandler : IMessageHandler
    {
        public ValueTask<IMessageTransaction> BeginTransactionAsync(MailContext context) => throw new IOException("backend down");
    }
}
