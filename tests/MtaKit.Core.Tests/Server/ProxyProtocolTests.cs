using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Net;
using MtaKit.Server;
using MtaKit.Testing;

namespace MtaKit.Core.Tests.Server;

public sealed class ProxyProtocolTests
{
    private readonly ConcurrentQueue<(IPEndPoint Remote, IPEndPoint Local, IPEndPoint? Proxy)> _seen = new();

    private Task<TestServer> StartAsync(string trusted = "127.0.0.0/8", TimeSpan? headerTimeout = null, TimeSpan? greetingDelay = null)
    {
        var stage = new TestStage
        {
            Connect = (context, next) =>
            {
                _seen.Enqueue((context.Session.RemoteEndPoint, context.Session.LocalEndPoint, context.Session.ProxyEndPoint));
                return next(context);
            },
        };
        return TestServer.StartAsync(
            l => l with
            {
                ProxyProtocol = true,
                TrustedProxies = [IPNetwork.Parse(trusted)],
                ProxyHeaderTimeout = headerTimeout ?? TimeSpan.FromSeconds(3),
                GreetingDelay = greetingDelay ?? TimeSpan.Zero,
            },
            pipeline: TestStage.Pipeline(stage));
    }

    internal static byte[] V2(byte command, byte family, byte[] addresses)
    {
        byte[] sig = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];
        var header = new byte[16 + addresses.Length];
        sig.CopyTo(header, 0);
        header[12] = (byte)(0x20 | command);
        header[13] = family;
        BinaryPrimitives.WriteUInt16BigEndian(header.AsSpan(14), (ushort)addresses.Length);
        addresses.CopyTo(header, 16);
        return header;
    }

    internal static byte[] V2Tcp(IPAddress source, int sourcePort, IPAddress destination, int destinationPort, byte[]? tlvs = null)
    {
        var src = source.GetAddressBytes();
        var dst = destination.GetAddressBytes();
        var block = new byte[src.Length * 2 + 4 + (tlvs?.Length ?? 0)];
        src.CopyTo(block, 0);
        dst.CopyTo(block, src.Length);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(src.Length * 2), (ushort)sourcePort);
        BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(src.Length * 2 + 2), (ushort)destinationPort);
        tlvs?.CopyTo(block, src.Length * 2 + 4);
        return V2(1, src.Length == 4 ? (byte)0x11 : (byte)0x21, block);
    }

    private static async Task DeliverAsync(RawSmtpClient c)
    {
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        await c.SendRawAsync("EHLO lb.test\r\nMAIL FROM:<a@sender.test>\r\nRCPT TO:<b@example.test>\r\nDATA\r\n");
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        await c.ReadReplyAsync();
        Assert.StartsWith("354 ", await c.ReadLastLineAsync());
        Assert.StartsWith("250 2.0.0 Ok", await c.CommandAsync("proxied\r\n."));
    }

    [Fact]
    public async Task V1_TrustedProxy_RemoteEndPointFromHeader()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\n");
        await DeliverAsync(c);
        var (remote, local, proxy) = Assert.Single(_seen);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.7"), 51234), remote);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 25), local);
        Assert.Equal(IPAddress.Loopback, proxy!.Address);
        var m = Assert.Single(server.Handler.Messages);
        Assert.StartsWith("Received: from lb.test ([203.0.113.7])\r\n", m.Text, StringComparison.Ordinal);
        Assert.Equal(remote, m.Client);
    }

    [Fact]
    public async Task V2_Ipv4_RemoteEndPointFromHeader()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync(V2Tcp(IPAddress.Parse("198.51.100.4"), 40000, IPAddress.Parse("192.0.2.1"), 25, tlvs: [0x04, 0x00, 0x01, 0x00]));
        await DeliverAsync(c);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("198.51.100.4"), 40000), Assert.Single(_seen).Remote);
        Assert.StartsWith("Received: from lb.test ([198.51.100.4])\r\n", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2_Ipv6_RemoteEndPointFromHeader()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync(V2Tcp(IPAddress.Parse("2001:db8::7"), 40001, IPAddress.Parse("2001:db8::1"), 25));
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8::7"), 40001), Assert.Single(_seen).Remote);
    }

    [Fact]
    public async Task V2_Ipv4MappedIpv6_NormalisedToIpv4()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync(V2Tcp(IPAddress.Parse("::ffff:203.0.113.9"), 40002, IPAddress.Parse("::ffff:192.0.2.1"), 25));
        await DeliverAsync(c);
        var (remote, local, _) = Assert.Single(_seen);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("203.0.113.9"), 40002), remote);
        Assert.Equal(IPAddress.Parse("192.0.2.1"), local.Address);
        Assert.StartsWith("Received: from lb.test ([203.0.113.9])\r\n", Assert.Single(server.Handler.Messages).Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task V2_Local_SocketAddressesUsed()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync(V2(0, 0x00, []));
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        var (remote, local, proxy) = Assert.Single(_seen);
        Assert.Equal(IPAddress.Loopback, remote.Address);
        Assert.Equal(server.EndPoint, local);
        Assert.Null(proxy);
    }

    [Fact]
    public async Task V1_Unknown_SocketAddressesUsed()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync("PROXY UNKNOWN\r\n");
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        Assert.Equal(IPAddress.Loopback, Assert.Single(_seen).Remote.Address);
    }

    [Fact]
    public async Task UntrustedPeer_ClosedWithoutGreeting()
    {
        await using var server = await StartAsync(trusted: "10.0.0.0/8");
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\n");
        Assert.True(await c.IsClosedAsync());
        Assert.Empty(_seen);
    }

    [Theory]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51234\r\n")]
    [InlineData("PROXY TCP4 2001:db8::1 192.0.2.1 1 25\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 051234 25\r\n")]
    [InlineData("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\n")]
    [InlineData("EHLO client.test\r\n")]
    [InlineData("\r\n\r\n\0\r\nQUIT\nxxxxx")]
    public async Task MalformedHeader_Closed(string header)
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync(header);
        Assert.True(await c.IsClosedAsync());
        Assert.Empty(_seen);
    }

    [Fact]
    public async Task V2_BadVersion_Closed()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        var header = V2Tcp(IPAddress.Parse("198.51.100.4"), 1, IPAddress.Parse("192.0.2.1"), 25);
        header[12] = 0x31;
        await c.SendRawAsync(header);
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task NoHeaderInTime_Closed()
    {
        await using var server = await StartAsync(headerTimeout: TimeSpan.FromMilliseconds(300));
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        var started = Environment.TickCount64;
        Assert.True(await c.IsClosedAsync());
        Assert.InRange(Environment.TickCount64 - started, 200, 5000);
        Assert.Empty(_seen);
    }

    [Fact]
    public async Task HeaderInPieces_Accepted()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        var header = V2Tcp(IPAddress.Parse("198.51.100.4"), 40000, IPAddress.Parse("192.0.2.1"), 25);
        foreach (var b in header)
        {
            await c.SendRawAsync([b]);
        }

        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        Assert.Equal(IPAddress.Parse("198.51.100.4"), Assert.Single(_seen).Remote.Address);
    }

    [Fact]
    public async Task ProxyBytes_WithGreetingDelay_NotEarlyTalk()
    {
        await using var server = await StartAsync(greetingDelay: TimeSpan.FromMilliseconds(300));
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\n");
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        Assert.StartsWith("250 ", await c.CommandAsync("EHLO client.test"));
    }

    [Fact]
    public async Task ProxyBytes_WithCommandBehind_IsEarlyTalk()
    {
        await using var server = await StartAsync(greetingDelay: TimeSpan.FromMilliseconds(300));
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\nEHLO client.test\r\n");
        Assert.Equal("554 5.7.1 Protocol violation: talked before the greeting", await c.ReadLastLineAsync());
        Assert.Equal("503 5.5.1 Session refused: only QUIT is accepted", await c.ReadLastLineAsync());
    }

    [Fact]
    public async Task ProxyBytes_WithCommandBehind_NoGreetingDelay_Served()
    {
        await using var server = await StartAsync();
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendRawAsync("PROXY TCP4 203.0.113.7 192.0.2.1 51234 25\r\nEHLO client.test\r\n");
        Assert.Equal("220 mx.test ESMTP MtaKit", await c.ReadLastLineAsync());
        Assert.Equal("250 ENHANCEDSTATUSCODES", await c.ReadLastLineAsync());
    }

    [Fact]
    public async Task TlsHandshake_ClientSilent_ClosedAfterHandshakeTimeout()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions with { HandshakeTimeout = TimeSpan.FromMilliseconds(300) } });
        await using var c = await Session.OpenAsync(server);
        Assert.Equal("220 2.0.0 Ready to start TLS", await c.CommandAsync("STARTTLS"));
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public async Task ImplicitTls_PlaintextClient_Closed()
    {
        using var cert = TestCertificate.Create();
        await using var server = await TestServer.StartAsync(l => l with { Tls = cert.TlsOptions, ImplicitTls = true });
        await using var c = await RawSmtpClient.ConnectAsync(server.EndPoint);
        await c.SendAsync("EHLO client.test");
        Assert.True(await c.IsClosedAsync());
    }

    [Fact]
    public void Ctor_ProxyWithoutTrustedProxies_ThrowsNamingKey()
    {
        var options = new SmtpServerOptions
        {
            ServerName = "mx.test",
            Listeners = [new SmtpListenerOptions { Name = "edge", EndPoint = new IPEndPoint(IPAddress.Loopback, 0), ProxyProtocol = true }],
        };
        var e = Assert.Throws<ArgumentException>(() => new SmtpServer(options, new CollectingHandler()));
        Assert.Contains("MtaKit:Listeners:edge:TrustedProxies", e.Message, StringComparison.Ordinal);
    }
}
